import contextlib
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


@pytest.fixture(scope="session")
def browser():
    # The live server runs in a thread of this process: Django must allow sync calls there.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required for browser tests: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page a journey visits runs under the site's Content-Security-Policy: a violation
# (a script, style or frame the policy refuses) fails the test that caused it. The documents
# report theirs through a `securitypolicyviolation` listener installed before any script of
# the page; workers and what the listener cannot see (a refused worker, a malformed policy or
# Permissions-Policy) show in the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__reportPolicyViolation([
        event.effectiveDirective, event.blockedURI, event.sourceFile + ":" + event.lineNumber,
        event.sample, event.documentURI,
    ].join(" | "));
});
"""
POLICY_CONSOLE_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


def watch_policy(context, violations: list[str]) -> None:
    """Record in `violations` what the policies refuse in any page of the context."""
    context.expose_function("__reportPolicyViolation", lambda text: violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if message.type in ("error", "warning") and any(
            word in message.text for word in POLICY_CONSOLE_WORDS
        ):
            violations.append(f"console: {message.text} ({message.location.get('url', '')})")

    context.on("console", on_console)


def settle(context) -> None:
    """Let reports on their way reach Python before they are counted."""
    for page in context.pages:
        # A page closing or navigating has nothing more to say.
        with contextlib.suppress(Exception):
            page.evaluate("() => new Promise(resolve => setTimeout(resolve, 50))")


@pytest.fixture
def page(browser, live_server, transactional_db, reimport_sample):
    violations = []
    contexts = []
    new_context = browser.new_context

    def watched_context(**options):
        context = new_context(**options)
        watch_policy(context, violations)
        contexts.append(context)
        return context

    # Contexts a test opens itself (a second visitor) are watched too.
    browser.new_context = watched_context
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.base_url = live_server.url
        page.policy_violations = violations
        yield page
        for opened in contexts:
            settle(opened)
    finally:
        del browser.new_context
        for opened in contexts:
            opened.close()
    if violations:
        pytest.fail(
            "The page's policies refused something (each violation may show twice, as an "
            "event and in the console):\n" + "\n".join(violations),
            pytrace=False,
        )
