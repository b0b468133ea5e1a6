"""Accessibility checks with axe-core (vendored, territoires/static/vendor/), for any journey.

    violations = axe_violations(page)          # serious and critical, WCAG 2.0/2.1 A and AA
    violations += missing_references(page) + focus_ring_failures(page)
    assert not violations, describe(violations)

axe is evaluated in the page through the DevTools protocol (`page.evaluate`), never added
as a `<script>` element: Playwright's `add_script_tag` writes an inline script, which the
site's Content-Security-Policy blocks (no nonce), while an evaluation is not subject to the
page's CSP. Nothing is loaded from the network and no browser context has to bypass the CSP.
Product pages never load axe.

Two checks axe does not make, in the same form as its violations: references to elements
that do not exist (a section labelled by a missing heading: axe leaves it "to review"),
and the contrast of the focus ring with what surrounds it (WCAG 1.4.11, 3:1).
"""

import re
from functools import cache
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "territoires" / "static" / "vendor"
# The rules of WCAG 2.0 and 2.1, levels A and AA (RGAA 4 follows WCAG 2.1 AA).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    (path,) = VENDOR.glob("axe-core-*.min.js")
    return path.read_text(encoding="utf-8")


RUN = """async ([tags, impacts, exclude]) => {
    const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
    const results = await axe.run(context, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations
        .filter(violation => impacts.includes(violation.impact))
        .map(violation => ({
            id: violation.id,
            impact: violation.impact,
            help: violation.help,
            helpUrl: violation.helpUrl,
            nodes: violation.nodes.map(node => ({
                target: node.target.map(String).join(" "),
                html: node.html,
                summary: node.failureSummary,
            })),
        }));
}"""


def axe_violations(page, impacts=BLOCKING, tags=WCAG_TAGS, exclude=()) -> list[dict]:
    """The violations of the page as it is now, of the given impacts (serious and critical by
    default): dicts with the rule's id, impact, help, helpUrl and the nodes (target, html,
    summary). `exclude`: CSS selectors of parts to leave out (say why where you use it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN, [list(tags), list(impacts), list(exclude)])


def describe(violations: list[dict], url: str = "", limit: int = 10) -> str:
    """Violations as lines to read in a failed assertion: rule, impact, help, targets."""
    lines = [f"{len(violations)} accessibility violation(s){f' on {url}' if url else ''}:"]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation['impact']}, {len(nodes)} element(s)): "
            f"{violation['help']} — {violation['helpUrl']}"
        )
        for node in nodes[:limit]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}  {node['html'][:120]}\n      {summary[:300]}")
        if len(nodes) > limit:
            lines.append(f"    … and {len(nodes) - limit} more")
    return "\n".join(lines)


def _violation(rule: str, impact: str, help: str, url: str, nodes: list[dict]) -> list[dict]:
    return (
        [{"id": rule, "impact": impact, "help": help, "helpUrl": url, "nodes": nodes}]
        if nodes
        else []
    )


MISSING_REFERENCES = """() => {
    const nodes = [];
    for (const element of document.querySelectorAll("[aria-labelledby], [aria-describedby], label[for]")) {
        for (const attribute of ["aria-labelledby", "aria-describedby", "for"]) {
            for (const id of (element.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)) {
                if (!document.getElementById(id)) {
                    nodes.push({
                        target: element.tagName.toLowerCase() + (element.id ? "#" + element.id : ""),
                        html: element.outerHTML.slice(0, 200),
                        summary: `${attribute}="${id}": no element has this id`,
                    });
                }
            }
        }
    }
    return nodes;
}"""


def missing_references(page) -> list[dict]:
    """aria-labelledby, aria-describedby and label[for] that name no element of the page."""
    return _violation(
        "idref-missing",
        "serious",
        "Labels and descriptions must refer to elements that exist",
        "https://www.w3.org/TR/WCAG21/#info-and-relationships",
        page.evaluate(MISSING_REFERENCES),
    )


FOCUS_RINGS = """selector => {
    const opaque = element => {
        const colour = getComputedStyle(element).backgroundColor;
        return colour !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(colour) ? colour : null;
    };
    const rings = [];
    for (const element of document.querySelectorAll(selector)) {
        element.focus();
        if (document.activeElement !== element || !element.matches(":focus-visible")) continue;
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        if (style.outlineStyle === "none" || !box.width) continue;
        // What the ring is drawn on, on each side: the first opaque element under its middle.
        const offset = parseFloat(style.outlineOffset), width = parseFloat(style.outlineWidth);
        const out = offset + width / 2, middle = [box.left + box.width / 2, box.top + box.height / 2];
        const points = [
            [box.left - out, middle[1]], [box.right + out, middle[1]],
            [middle[0], box.top - out], [middle[0], box.bottom + out],
        ].filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
        const behind = out < 0 && opaque(element) ? [opaque(element)] : [];  // a ring inside
        for (const [x, y] of out < 0 ? [] : points) {
            const under = document.elementsFromPoint(x, y)
                .filter(node => node !== element && !element.contains(node)).map(opaque).find(Boolean);
            behind.push(under || getComputedStyle(document.documentElement).backgroundColor);
        }
        rings.push({
            target: element.tagName.toLowerCase() + (element.className ? "." + String(element.className).split(" ")[0] : ""),
            html: element.outerHTML.slice(0, 200),
            ring: style.outlineColor,
            behind,
        });
        element.blur();
    }
    return rings;
}"""


def _luminance(css_colour: str) -> float:
    red, green, blue = (float(part) / 255 for part in re.findall(r"[\d.]+", css_colour)[:3])
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS colours written rgb(…) or rgba(…) (alpha ignored)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"


def focus_ring_failures(page, within=".site-header, .skip-link", minimum=3.0) -> list[dict]:
    """Focusable elements (in `within`) whose focus ring has a contrast below `minimum`
    with what it is drawn on, on any of its four sides (an element whose focus shows
    otherwise than by an outline is not measured). Keyboard focus first, so that
    :focus-visible applies."""
    page.keyboard.press("Tab")
    selector = ", ".join(
        f"{container} :is({FOCUSABLE}), {container}:is({FOCUSABLE})"
        for container in within.split(", ")
    )
    nodes = []
    for ring in page.evaluate(FOCUS_RINGS, selector):
        # The side where the ring shows least.
        ratio, behind = min((contrast(ring["ring"], colour), colour) for colour in ring["behind"])
        if ratio < minimum:
            summary = f"focus ring {ring['ring']} on {behind}: {ratio:.2f}:1, {minimum}:1 asked"
            nodes.append({"target": ring["target"], "html": ring["html"], "summary": summary})
    return _violation(
        "focus-ring-contrast",
        "serious",
        "The focus indicator must contrast with its surroundings",
        "https://www.w3.org/WAI/WCAG21/Understanding/non-text-contrast.html",
        nodes,
    )
