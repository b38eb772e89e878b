"""The /path graph, the topic pages, the status form, and the Markdown + MathML renderer."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcamp.curriculum import shipped_curriculum
from mlcamp.curriculum.models import Curriculum
from mlcamp.labs import all_labs
from mlcamp.web.markdown import FALLBACK_CLASS, math_to_mathml, render_inline, render_markdown
from mlcamp.web.path_graph import NODE_HEIGHT, NODE_WIDTH, layout_path, wrap_title

# -- reading the pages ---------------------------------------------------------------------


class GraphReader(HTMLParser):
    """Collects the graph's nodes (``a.node``: id, href, classes, title) and edges."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[tuple[str, str]] = []
        self._node: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "a" and "node" in classes:
            self._node = attributes["data-id"]
            self.nodes[self._node] = {"href": attributes["href"], "classes": classes, "title": ""}
        elif tag == "title" and self._node is not None:
            self._in_title = True
        elif tag == "path" and "edge" in classes:
            self.edges.append((attributes["data-from"], attributes["data-to"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "a":
            self._node = None

    def handle_data(self, data: str) -> None:
        if self._in_title and self._node is not None:
            self.nodes[self._node]["title"] += data


def read_graph(html: str) -> GraphReader:
    reader = GraphReader()
    reader.feed(html)
    return reader


def node_state(html: str, topic_id: str) -> str:
    classes = read_graph(html).nodes[topic_id]["classes"]
    states = [c.removeprefix("status-") for c in classes if c.startswith("status-")]
    assert len(states) == 1, classes
    return states[0]


CURRICULUM = shipped_curriculum()
MATH_TOPIC = "linear-regression"  # its summary has inline and displayed math


# -- /path ---------------------------------------------------------------------------------


def test_graph_has_a_linked_node_per_topic_and_an_edge_per_prerequisite(web: Any) -> None:
    response = web.get("/path")
    assert response.status_code == 200
    graph = read_graph(response.text)
    topics = {topic.id: topic for topic in CURRICULUM.topics()}
    assert set(graph.nodes) == set(topics)
    for topic_id, node in graph.nodes.items():
        assert node["href"] == f"/topics/{topic_id}"
        assert node["title"].startswith(topics[topic_id].title)  # the accessible name
        assert "status-not-started" in node["classes"]
    expected = Counter((p, topic.id) for topic in topics.values() for p in topic.prerequisites)
    assert Counter(graph.edges) == expected
    assert sum(expected.values()) > 100  # the shipped path really has its prerequisites


def test_path_page_has_legend_controls_script_and_a_plain_list(web: Any) -> None:
    text = web.get("/path").text
    for label in ("Not started", "Learning", "Done", "Skipped", "Placed out"):
        assert label in text
    assert 'href="/static/path.css"' in text
    assert 'src="/static/path.js"' in text
    assert 'data-zoom="in"' in text and 'data-zoom="out"' in text and 'data-zoom="reset"' in text
    assert "cdn" not in text.lower() and "https://" not in text
    list_part = text[text.index('id="topic-list"') :]
    for topic in CURRICULUM.topics():
        assert f'<a href="/topics/{topic.id}">' in list_part
    for part in CURRICULUM.parts:
        assert part.display_title in list_part


def test_static_files_for_the_graph_are_served(web: Any) -> None:
    script = web.get("/static/path.js")
    assert script.status_code == 200
    assert "viewBox" in script.text and "wheel" in script.text
    style = web.get("/static/path.css")
    assert style.status_code == 200
    assert "--status-done" in style.text


def test_node_colours_follow_status_posts(onboarded: Any) -> None:
    assert node_state(onboarded.get("/path").text, MATH_TOPIC) == "not-started"
    for state in ("learning", "done", "skipped", "not-started"):
        response = onboarded.post_form(f"/topics/{MATH_TOPIC}/status", {"state": state})
        assert response.status_code == 200  # followed the 303 back to the topic page
        page = onboarded.get("/path").text
        assert node_state(page, MATH_TOPIC) == state
        assert node_state(page, "vectors-and-matrices") == "not-started"


def test_band_heading_counts_finished_topics(onboarded: Any) -> None:
    first = CURRICULUM.parts[0]
    assert f"0 of {len(first.topics())} finished" in onboarded.get("/path").text
    onboarded.post_form(f"/topics/{first.topics()[0].id}/status", {"state": "done"})
    assert f"1 of {len(first.topics())} finished" in onboarded.get("/path").text


# -- the layout ----------------------------------------------------------------------------


def test_layout_of_the_shipped_path_has_no_overlap_and_arrows_point_right() -> None:
    graph = layout_path(CURRICULUM, {})
    assert len(graph.nodes) == len(CURRICULUM.topics())
    for a, b in itertools.combinations(graph.nodes, 2):
        assert not a.overlaps(b), (a.id, b.id)
    for edge in graph.edges:
        assert graph.node(edge.source).x + NODE_WIDTH < graph.node(edge.target).x, edge
    for node in graph.nodes:
        assert node.x >= 0 and node.x + node.width <= graph.width
        assert node.y >= 0 and node.y + node.height <= graph.height
    assert layout_path(CURRICULUM, {}) == graph  # deterministic


def test_layout_keeps_nodes_inside_their_part_band() -> None:
    graph = layout_path(CURRICULUM, {"linear-regression": "done"})
    bands = {band.id: band for band in graph.bands}
    for node in graph.nodes:
        band = bands[node.part]
        assert band.x <= node.x and node.x + node.width <= band.x + band.width
    assert graph.node("linear-regression").state == "done"
    assert graph.counts()["done"] == 1


@st.composite
def rewirings(draw: st.DrawFn) -> dict[str, list[str]]:
    """Random prerequisites for the shipped topics: each topic may require any topics before it
    in study order (so the graph stays acyclic), in its own part or earlier ones."""
    topics = [topic.id for topic in CURRICULUM.topics()]
    return {
        topic: sorted(draw(st.sets(st.sampled_from(topics[:i]), max_size=min(i, 5))) if i else [])
        for i, topic in enumerate(topics)
    }


def rewired(prerequisites: dict[str, list[str]]) -> Curriculum:
    """The shipped curriculum with these prerequisites."""

    def section_with(section: Any) -> Any:
        topics = [
            topic.model_copy(update={"prerequisites": prerequisites[topic.id]})
            for topic in section.topics
        ]
        return section.model_copy(update={"topics": topics})

    parts = [
        part.model_copy(update={"sections": [section_with(s) for s in part.sections]})
        for part in CURRICULUM.parts
    ]
    return CURRICULUM.model_copy(update={"parts": parts})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rewirings())
def test_layout_never_overlaps_for_any_prerequisite_graph(
    prerequisites: dict[str, list[str]],
) -> None:
    curriculum = rewired(prerequisites)
    graph = layout_path(curriculum, {})
    boxes = sorted(graph.nodes, key=lambda n: (n.x, n.y))
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a.id, b.id)
    wanted = [(p, t.id) for t in curriculum.topics() for p in t.prerequisites]
    assert [(e.source, e.target) for e in graph.edges] == wanted
    for edge in graph.edges:
        assert graph.node(edge.source).x < graph.node(edge.target).x


@given(st.text(min_size=1, max_size=120))
def test_wrapped_titles_fit_three_short_lines(title: str) -> None:
    lines = wrap_title(title)
    assert 1 <= len(lines) <= 3
    assert all(len(line) <= 22 for line in lines)


def test_node_boxes_hold_their_title_lines() -> None:
    graph = layout_path(CURRICULUM, {})
    for node in graph.nodes:
        rows = node.text_rows
        assert rows[0][0] > node.y and rows[-1][0] < node.y + NODE_HEIGHT


# -- /topics/{id} --------------------------------------------------------------------------


def test_topic_page_shows_summary_as_mathml(web: Any) -> None:
    topic = CURRICULUM.topic(MATH_TOPIC)
    assert "$" in topic.summary
    response = web.get(f"/topics/{MATH_TOPIC}")
    assert response.status_code == 200
    text = response.text
    assert "<math" in text and 'display="block"' in text
    assert FALLBACK_CLASS not in text
    assert "$$" not in text and "\\top" not in text  # no TeX left over
    assert topic.title in text
    for objective in topic.objectives:
        assert objective.split()[0] in text


def test_topic_page_shows_place_hours_prerequisites_and_labs(web: Any) -> None:
    topic = CURRICULUM.topic(MATH_TOPIC)
    text = web.get(f"/topics/{MATH_TOPIC}").text
    part = next(p for p in CURRICULUM.parts if p.id == topic.part)
    assert part.display_title in text
    for value in (topic.hours.beginner, topic.hours.math_stats, topic.hours.software_engineer):
        assert f"{value:g} h" in text
    for prerequisite in topic.prerequisites:
        assert f'<a href="/topics/{prerequisite}">' in text
    labs = [lab for lab in all_labs() if topic.id in lab.spec.topics]
    assert labs
    for lab in labs:
        assert f'<a href="/labs/{lab.id}">' in text
    assert 'name="csrf_token"' in text
    for state in ("learning", "done", "skipped", "not-started"):
        assert f'name="state" value="{state}"' in text


def test_topic_page_shows_resources_with_kind_and_free_badges(web: Any) -> None:
    topic_id = "model-selection-and-comparison"  # has free and paid resources
    topic = CURRICULUM.topic(topic_id)
    text = web.get(f"/topics/{topic_id}").text
    resources = [CURRICULUM.resource(r) for r in topic.resources]
    assert {r.free for r in resources} == {True, False}
    for resource in resources:
        start = text.index(f'href="{resource.url}"')
        item = text[start : text.index("</li>", start)]
        assert f">{resource.kind}</span>" in item
        assert ("badge-free" in item) is resource.free
    assert text.count('class="badge badge-free"') == sum(r.free for r in resources)


def test_unknown_topic_is_a_404_that_says_how_to_find_topics(web: Any) -> None:
    response = web.get("/topics/no-such-topic-at-all")
    assert response.status_code == 404
    assert 'href="/path"' in response.text
    assert "mlcamp path" in response.text
    assert "no-such-topic-at-all" in response.text


def test_unknown_topic_suggests_similar_ids(web: Any) -> None:
    response = web.get("/topics/regression")
    assert response.status_code == 404
    assert '<a href="/topics/linear-regression">' in response.text


@pytest.fixture
def with_alias(monkeypatch: pytest.MonkeyPatch) -> str:
    """The shipped curriculum with an alias ``old-least-squares`` -> linear-regression."""
    import mlcamp.curriculum

    aliased = CURRICULUM.model_copy(update={"aliases": {"old-least-squares": MATH_TOPIC}})
    monkeypatch.setattr(mlcamp.curriculum, "shipped_curriculum", lambda: aliased)
    return "old-least-squares"


def test_alias_resolves_to_the_current_topic(web: Any, with_alias: str) -> None:
    response = web.get(f"/topics/{with_alias}", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/topics/{MATH_TOPIC}"
    followed = web.get(f"/topics/{with_alias}")
    assert followed.status_code == 200
    assert CURRICULUM.topic(MATH_TOPIC).title in followed.text


def test_status_post_through_an_alias_sets_the_current_topic(web: Any, with_alias: str) -> None:
    response = web.post_form(
        f"/topics/{with_alias}/status", {"state": "done"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/topics/{MATH_TOPIC}?")
    assert node_state(web.get("/path").text, MATH_TOPIC) == "done"


# -- POST /topics/{id}/status --------------------------------------------------------------


def test_status_post_redirects_and_records_self_reported_evidence(onboarded: Any) -> None:
    response = onboarded.post_form(
        f"/topics/{MATH_TOPIC}/status", {"state": "learning"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/topics/{MATH_TOPIC}?saved=learning")
    text = onboarded.get(response.headers["location"]).text
    assert "Saved: learning." in text
    history = text[text.index('id="history-heading"') :]
    assert "status-learning" in history and "you set it" in history
    # the current state's button is disabled, the others are not
    assert re.search(r'value="learning"\s+disabled', text)
    assert not re.search(r'value="done"\s+disabled', text)


def test_status_post_without_csrf_is_refused(onboarded: Any) -> None:
    client = onboarded.client
    response = client.post(
        f"/topics/{MATH_TOPIC}/status",
        data={"state": "done"},
        headers={"origin": "http://127.0.0.1:8765"},
    )
    assert response.status_code == 403
    wrong = client.post(
        f"/topics/{MATH_TOPIC}/status",
        data={"state": "done", "csrf_token": "not-the-token"},
        headers={"origin": "http://127.0.0.1:8765"},
    )
    assert wrong.status_code == 403
    cross_site = onboarded.post_form(
        f"/topics/{MATH_TOPIC}/status", {"state": "done"}, headers={"origin": "https://evil.test"}
    )
    assert cross_site.status_code == 403
    assert node_state(onboarded.get("/path").text, MATH_TOPIC) == "not-started"


@pytest.mark.parametrize("state", ["placed-out", "finished", "", "DONE"])
def test_status_post_with_a_bad_state_is_a_422_page(onboarded: Any, state: str) -> None:
    response = onboarded.post_form(f"/topics/{MATH_TOPIC}/status", {"state": state})
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert node_state(onboarded.get("/path").text, MATH_TOPIC) == "not-started"


def test_status_post_for_an_unknown_topic_is_a_404(onboarded: Any) -> None:
    response = onboarded.post_form("/topics/no-such-topic/status", {"state": "done"})
    assert response.status_code == 404


def test_status_post_can_answer_json(onboarded: Any) -> None:
    response = onboarded.post_form(
        f"/topics/{MATH_TOPIC}/status", {"state": "done"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "done"
    assert response.json()["topic"] == MATH_TOPIC


# -- the Markdown renderer -----------------------------------------------------------------


def test_renderer_escapes_raw_html_and_script() -> None:
    html = str(render_markdown("Hi <script>alert(1)</script> <img src=x onerror=alert(1)>").html)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<script>alert(1)</script>}",
        r"\href{javascript:alert(1)}{x}",
        r"\mathrm{</math><script>alert(1)</script>}",
        r"a < b \text{ & } c > d",
    ],
)
def test_math_cannot_inject_markup(tex: str) -> None:
    for text in (f"${tex}$", f"$${tex}$$", f"$$\n{tex}\n$$"):
        html = str(render_markdown(text).html)
        assert "<script" not in html
        assert "javascript:" not in html
        assert "href" not in html


def test_math_is_protected_from_markdown() -> None:
    html = str(render_markdown(r"Take $a_1 * b_1 * c_2$ and $x_{*}^{*}$ here.").html)
    assert "<em>" not in html and "<strong>" not in html
    assert html.count("<math") == 2


def test_displayed_math_over_several_lines_and_inside_lists_and_quotes() -> None:
    text = "Before\n$$\nx = 1\n- 2\n$$\nafter\n\n- item $y$\n\n> quote $$z$$\n"
    html = str(render_markdown(text).html)
    assert html.count('<math display="block"') == 2
    assert html.count('<math display="inline"') == 1
    assert "<li>" in html and "<blockquote>" in html
    assert html.count("<ul>") == 1  # the "- 2" inside the math is no list
    assert html.index("</math>") < html.index("<ul>")


def test_dollars_that_are_not_math_stay_text() -> None:
    html = str(render_markdown(r"It costs $5 and $10, or \$3. Code: `$x$`.").html)
    assert "<math" not in html
    assert "$5 and $10" in html and "$3" in html and "<code>$x$</code>" in html


def test_bad_tex_falls_back_to_its_source() -> None:
    rendered = render_markdown(r"Broken $\frac{1$ and unknown $\notacommand{x}$.")
    html = str(rendered.html)
    assert f'<code class="{FALLBACK_CLASS}' in html
    assert r"\notacommand{x}" in html
    assert rendered.math_failures == (r"\frac{1", r"\notacommand{x}")
    assert math_to_mathml(r"\frac{") is None
    assert math_to_mathml(r"\arg\max_\theta f") is not None


def test_inline_rendering_has_no_paragraph() -> None:
    html = str(render_inline(r"Explain why kept activations are scaled by $1/(1-p)$.").html)
    assert not html.startswith("<p>") and "<math" in html


def test_all_shipped_content_renders_without_fallback() -> None:
    failures: dict[str, tuple[str, ...]] = {}
    formulas = 0
    for topic in CURRICULUM.topics():
        for name, rendered in [
            (topic.id, render_markdown(topic.summary)),
            *((f"{topic.id} objective", render_inline(o)) for o in topic.objectives),
        ]:
            formulas += str(rendered.html).count("<math")
            if rendered.math_failures:
                failures[name] = rendered.math_failures
    for lab in all_labs():
        rendered = render_markdown(lab.readme)
        formulas += str(rendered.html).count("<math")
        if rendered.math_failures:
            failures[f"lab {lab.id}"] = rendered.math_failures
    assert failures == {}
    assert formulas > 1000


_FRAGMENTS = st.sampled_from(
    [
        "$",
        "$$",
        "\\",
        "\\$",
        "_",
        "*",
        "`",
        "\n",
        "\n\n",
        "> ",
        "- ",
        "| a | b |\n|---|---|\n",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\\text{<script>}",
        "\\href{javascript:alert(1)}{x}",
        "[link](javascript:alert(1))",
        "\\frac{a}{b}",
        "x_1^2",
        "{",
        "}",
        "&amp;",
        "&",
        " ",
        "word",
    ]
)


class TagReader(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


HTML_TAGS = {
    "p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "hr", "br", "div",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac",
    "msqrt", "mroot", "mover", "munder", "munderover", "mstyle", "mtable", "mtr", "mtd",
    "mpadded", "mphantom", "menclose",
}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_FRAGMENTS, max_size=30).map("".join)))
def test_renderer_never_raises_and_emits_only_safe_markup(text: str) -> None:
    for rendered in (render_markdown(text), render_inline(text)):
        html = str(rendered.html)
        assert "<script" not in html.lower()
        reader = TagReader()
        reader.feed(html)
        reader.close()
        assert reader.tags <= HTML_TAGS | MATHML_TAGS, reader.tags - HTML_TAGS - MATHML_TAGS
        for name, value in reader.attributes:
            assert not name.startswith("on"), (name, value)
            assert name != "style"
            if name in ("href", "src"):
                assert not value.lower().lstrip().startswith(("javascript:", "data:")), value
