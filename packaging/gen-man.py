#!/usr/bin/env python3
"""kiosk(1) from the argument parser: `kiosk --experimental-dump-help` (swift-argument-parser's
own description of every command, option and help text) turned into one roff page, so the
manual can never disagree with `kiosk --help`.

Usage: gen-man.py KIOSK_BINARY VERSION > kiosk.1
"""
import json
import subprocess
import sys


def roff(text):
    """Escapes text for roff: backslashes, a leading dot or quote, dashes in options."""
    text = (text or "").replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def option_names(arg):
    names = []
    for n in arg.get("names", []):
        names.append(("-" if n["kind"] == "short" else "--") + n["name"])
    return names


def synopsis(arg):
    kind = arg["kind"]
    value = arg.get("valueName", "value")
    if kind == "positional":
        text = "<" + value + ">"
    else:
        text = ", ".join(option_names(arg))
        if kind == "option":
            text += " <" + value + ">"
    return text


def command_section(cmd, path, out):
    visible = [a for a in cmd.get("arguments", []) if a.get("shouldDisplay", True)
               and not any(n["name"] in ("help", "version") for n in a.get("names", []))]
    out.append(".SS " + roff(" ".join(path)))
    if cmd.get("abstract"):
        out.append(roff(cmd["abstract"]))
    if cmd.get("discussion"):
        out.append(".PP")
        out.append(".nf")
        out.append(roff(cmd["discussion"]))
        out.append(".fi")
    for arg in visible:
        out.append(".TP")
        out.append(".B " + roff(synopsis(arg)).replace("-", "\\-"))
        out.append(roff(arg.get("abstract", "")))
    for sub in cmd.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            command_section(sub, path + [sub["commandName"]], out)


def main():
    binary, version = sys.argv[1], sys.argv[2]
    dump = json.loads(subprocess.run([binary, "--experimental-dump-help"], check=True,
                                     capture_output=True, text=True).stdout)
    root = dump["command"]
    out = [
        '.TH KIOSK 1 "" "kiosk %s" "User Commands"' % roff(version),
        ".SH NAME",
        "kiosk \\- " + roff(root.get("abstract", "")),
        ".SH SYNOPSIS",
        ".B kiosk",
        "[\\fIcommand\\fR] [\\fIoptions\\fR]",
        ".SH DESCRIPTION",
        "With no command, \\fBkiosk\\fR starts the full-screen guard terminal on the console "
        "(\\fBkiosk run\\fR). Every command reads \\fI/etc/kiosk/kiosk.conf\\fR unless "
        "\\fB\\-\\-config\\fR or \\fBKIOSK_CONFIG\\fR names another; see \\fBkiosk.conf\\fR(5).",
        ".PP",
        roff(root.get("discussion", "")),
        ".SH COMMANDS",
    ]
    for sub in root.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            command_section(sub, ["kiosk", sub["commandName"]], out)
    out += [
        ".SH FILES",
        ".TP", "/etc/kiosk/kiosk.conf", "the configuration (a conffile: kept on upgrade)",
        ".TP", "/var/lib/kiosk", "the visit log, keys, exports and the terminal's log (mode 0700, user kiosk)",
        ".SH ENVIRONMENT",
        ".TP", ".B KIOSK_CONFIG", "the configuration file when \\fB\\-\\-config\\fR is not given",
        ".TP", ".B KIOSK_GUARD", "the guard recorded with each visit",
        ".SH SEE ALSO",
        "\\fBkiosk.conf\\fR(5), \\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1)",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
