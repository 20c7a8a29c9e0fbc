#!/usr/bin/env python3
"""A visitor's phone, played by headless Chromium: the self check-in form end to end.

Starts nothing itself: `kiosk serve` must already answer at the given URL (the E2E test
BrowserCheckinTests starts it). Needs Debian `chromium` and `chromium-driver` and the PyPI
package `selenium` (4.x); `make test` installs them when missing.

    python3 Tests/Browser/checkin_form.py --url 'http://127.0.0.1:8080/c/demo-hq?g=main' \
        --screenshot out/self-checkin.png [--form-screenshot out/self-checkin-form.png]

What it does, as a visitor would:
  1. opens the venue URL (the Vietnamese form), follows the "English" link and back;
  2. types the Vietnamese details, answers "Không" to every question, ticks consent, submits;
  3. waits for the confirmation, checks the code, the QR and the shortened name, saves a
     PNG screenshot of the phone's screen;
  4. reads the browser console: any Content-Security-Policy complaint fails the run.

Prints one JSON object on stdout (code, short name, console messages, ...). Any failed
check exits 1 with the reason on stderr (and a screenshot beside the requested one, named
*-failure.png, of what the browser showed).
"""

import argparse
import json
import sys
import time
import unicodedata
from urllib.parse import urlsplit

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:  # a broken setup fails loudly, it is never skipped
    sys.exit(f"checkin_form.py: selenium is missing ({e}); run `make setup` (pip install selenium)")

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def nfc(s):
    return unicodedata.normalize("NFC", s)


def short_name(name):
    """What Pages.shortName shows: the first word, then the initials of the others."""
    words = name.split()
    return " ".join(words[:1] + [w[0] + "." for w in words[1:]])


def start_browser(width, height, pixel_ratio):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=vi-VN",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(arg)
    # A phone's screen: headless Chromium will not make a window narrower than 500 px, so the
    # size comes from device emulation (also giving the phone's pixel ratio and touch).
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": pixel_ratio, "touch": True}})
    # The console, so CSP violations and failed loads can be read back.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER)
    return webdriver.Chrome(service=service, options=options)


def console(driver, seen):
    """New console entries since the last call (chromedriver returns each entry once)."""
    try:
        entries = driver.get_log("browser")
    except (WebDriverException, AttributeError) as e:
        raise Failure(f"cannot read the browser console (get_log): {e}")
    for entry in entries:
        seen.append({"level": entry.get("level"), "message": entry.get("message", "")})
    return seen


def page_lang(driver):
    return driver.execute_script("return document.documentElement.lang")


def no_horizontal_scroll(driver, what):
    widths = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    check(widths[0] <= widths[1], f"{what}: the page is wider than the phone "
          f"(scrollWidth {widths[0]} > innerWidth {widths[1]})")


def run(args):
    result = {"url": args.url, "screenshot": args.screenshot}
    seen = []
    driver = start_browser(args.width, args.height, args.pixel_ratio)
    try:
        wait = WebDriverWait(driver, args.timeout)
        try:
            # 1. The form, in Vietnamese, then English via the link, then back.
            driver.get(args.url)
            try:
                wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "form button[type=submit]")))
            except TimeoutException:
                raise Failure(f"no form at {args.url} (title {driver.title!r}): "
                              f"{driver.find_element(By.TAG_NAME, 'body').text[:400]!r}")
            check(page_lang(driver) == "vi", f"the form should open in Vietnamese, html lang={page_lang(driver)!r}")
            check(nfc(driver.title) == nfc("Khai báo vào tòa nhà"), f"Vietnamese title: {driver.title!r}")
            # The stylesheet is served and applied (CSP allows same-origin styles only).
            background = driver.execute_script(
                "return getComputedStyle(document.querySelector('button[type=submit]')).backgroundColor")
            check(background == "rgb(21, 101, 192)", f"/c/style.css not applied (button background {background!r})")
            no_horizontal_scroll(driver, "Vietnamese form")
            viewport = driver.execute_script("return [window.innerWidth, window.innerHeight, window.devicePixelRatio]")
            result["viewport"] = viewport
            check(viewport[0] == args.width, f"the browser is not phone-sized: viewport {viewport}")

            link = driver.find_element(By.CSS_SELECTOR, "a.lang")
            check(link.text.strip() == "English", f"language link on the Vietnamese form: {link.text!r}")
            link.click()
            wait.until(lambda d: page_lang(d) == "en", message="the English link did not open an English page")
            check(driver.title == "Building check-in", f"English title: {driver.title!r}")
            en_query = urlsplit(driver.current_url).query
            check("g=" in en_query and "lang=en" in en_query, f"English link lost the gate: {driver.current_url}")
            result["english_title"] = driver.title
            back = driver.find_element(By.CSS_SELECTOR, "a.lang")
            check(nfc(back.text.strip()) == nfc("Tiếng Việt"), f"language link on the English form: {back.text!r}")
            back.click()
            wait.until(lambda d: page_lang(d) == "vi", message="the Vietnamese link did not open a Vietnamese page")
            result["language_switch"] = "vi→en→vi"
            console(driver, seen)

            # 2. Fill in, as typed on the phone.
            values = {
                "name": args.name,
                "phone": args.phone,
                "id_number": args.id_number,
                "organisation": args.organisation,
                "host": args.host,
                "purpose": args.purpose,
            }
            for field, value in values.items():
                if not value:
                    continue
                box = driver.find_element(By.ID, field)
                box.clear()
                box.send_keys(value)
                typed = box.get_attribute("value")
                check(nfc(typed) == nfc(value), f"{field}: typed {value!r}, the field holds {typed!r}")
            questions = driver.find_elements(By.TAG_NAME, "fieldset")
            check(len(questions) >= 1, "the form shows no health questions")
            for i, fieldset in enumerate(questions):
                labels = [l for l in fieldset.find_elements(By.CSS_SELECTOR, "label.choice")
                          if nfc(l.text.strip()) == nfc(args.answer)]
                check(len(labels) == 1, f"question {i}: no single {args.answer!r} choice "
                      f"({[l.text for l in fieldset.find_elements(By.CSS_SELECTOR, 'label.choice')]})")
                labels[0].click()
                radio = driver.find_element(By.CSS_SELECTOR, f"input[name=answer_{i}][value=no]")
                check(radio.is_selected(), f"question {i}: clicking {args.answer!r} did not select 'no'")
            result["questions"] = len(questions)
            consent = driver.find_element(By.CSS_SELECTOR, "input[name=consent]")
            # Click the label text, as a thumb would.
            consent.find_element(By.XPATH, "..").click()
            check(consent.is_selected(), "clicking the consent text did not tick the box")

            # 3. Submit and wait for the confirmation.
            form_url = driver.current_url
            submit = driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
            if args.form_screenshot:
                # The end of the filled-in form: the answers, the consent and the button.
                driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", submit)
                check(driver.save_screenshot(args.form_screenshot), f"could not save {args.form_screenshot}")
            submit.click()
            try:
                wait.until(EC.presence_of_element_located((By.ID, "code")))
            except TimeoutException:
                raise Failure(f"no confirmation after submitting (title {driver.title!r}): "
                              f"{driver.find_element(By.TAG_NAME, 'main').text[:800]!r}")
            check(driver.current_url.split("?")[0] == form_url.split("?")[0],
                  f"the form posted to {driver.current_url}")
            check(nfc(driver.title) == nfc("Đã khai báo"), f"confirmation title: {driver.title!r}")
            code = driver.find_element(By.ID, "code").text.strip()
            check(len(code) == 6 and all(c in "23456789ABCDEFGHJKMNPQRSTUVWXYZ" for c in code),
                  f"entry code {code!r} does not look like one")
            body = nfc(driver.find_element(By.TAG_NAME, "main").text)
            expected_short = nfc(short_name(args.name))
            check(expected_short in body, f"the shortened name {expected_short!r} is not on the confirmation: {body!r}")
            check(nfc(args.name) not in body, "the confirmation shows the full name")
            for private in (args.phone, args.organisation, args.host):
                check(not private or nfc(private) not in body, f"the confirmation shows {private!r}")
            svg = driver.find_element(By.CSS_SELECTOR, ".qr svg")
            size = svg.size
            check(size["width"] >= 100 and size["height"] >= 100, f"the QR is too small on screen: {size}")
            # Entirely on screen: the screenshot (and a guard's scanner) must see all of it.
            rect = driver.execute_script(
                "const r = document.querySelector('.qr svg').getBoundingClientRect();"
                "return [r.left, r.top, r.right, r.bottom, window.innerWidth, window.innerHeight]")
            check(rect[0] >= 0 and rect[1] >= 0 and rect[2] <= rect[4] and rect[3] <= rect[5],
                  f"the QR is not wholly inside the phone's screen: {rect}")
            no_horizontal_scroll(driver, "confirmation")
            result["code"] = code
            result["short_name"] = short_name(args.name)
            result["status_text"] = driver.find_element(By.CSS_SELECTOR, "p.wait, p.ok").text.strip()
            result["qr_rect"] = rect[:4]

            # 4. The screenshot, then the console.
            check(driver.save_screenshot(args.screenshot), f"could not save {args.screenshot}")
            time.sleep(0.2)  # late console entries (a blocked resource is reported asynchronously)
            console(driver, seen)
        except Exception:
            try:
                driver.save_screenshot(failure_path(args.screenshot))
                console(driver, seen)
            except Exception:
                pass
            result["console"] = seen
            print(json.dumps(result, ensure_ascii=False), flush=True)
            raise
        result["console"] = seen
        csp = [e for e in seen if "content security policy" in e["message"].lower()
               or "content-security-policy" in e["message"].lower()]
        result["csp_violations"] = csp
        errors = [e for e in seen if e["level"] == "SEVERE"]
        result["console_errors"] = errors
        print(json.dumps(result, ensure_ascii=False), flush=True)
        check(not csp, f"the browser console reports CSP violations: {csp}")
        if args.strict_console:
            check(not errors, f"the browser console reports errors: {errors}")
    finally:
        driver.quit()


def failure_path(path):
    return path[:-4] + "-failure.png" if path.endswith(".png") else path + "-failure.png"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="the venue URL, e.g. http://127.0.0.1:8080/c/demo-hq?g=main")
    p.add_argument("--screenshot", required=True, help="where to save the confirmation (PNG)")
    p.add_argument("--form-screenshot", help="also save the filled-in form, just before submitting (PNG)")
    p.add_argument("--name", default="Nguyễn Thị Ánh Tuyết")
    p.add_argument("--phone", default="0912 345 678")
    p.add_argument("--id-number", default="")
    p.add_argument("--organisation", default="Công ty Cổ phần Đồng Xuân")
    p.add_argument("--host", default="Phòng Kế toán")
    p.add_argument("--purpose", default="Họp quyết toán quý")
    p.add_argument("--answer", default="Không", help="the label of the 'no' choice, clicked for every question")
    p.add_argument("--width", type=int, default=390)
    p.add_argument("--height", type=int, default=844)
    p.add_argument("--pixel-ratio", type=float, default=3.0)
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("--strict-console", action="store_true", help="fail on any console error, not only CSP")
    args = p.parse_args()
    if not args.screenshot.endswith(".png"):
        p.error("--screenshot must name a .png file")
    try:
        run(args)
    except Failure as e:
        print(f"checkin_form.py: {e}", file=sys.stderr)
        sys.exit(1)
    except WebDriverException as e:
        print(f"checkin_form.py: browser failure: {type(e).__name__}: {e.msg or e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
