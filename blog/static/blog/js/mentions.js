/*
 * Mentions offered as one types: in a comment's text area (data-mentions-url), typing "@" and
 * the beginning of a name lists the matching network members in a popup listbox; the up and
 * down arrows move through it, Enter or Tab inserts "@[Name]", Escape closes it. The text area
 * keeps its own role (a textarea may not be a combobox in HTML) and takes the combobox's
 * attributes that apply to it: aria-autocomplete, aria-haspopup, aria-controls and
 * aria-activedescendant, the focus staying in the text. A polite live region says how many
 * members were found. Without this script the text area is unchanged: @[Name] by hand.
 * Every message comes from the page (data-mentions-*), translated by the site.
 */
(function () {
    "use strict";

    var DELAY = 150; // ms between the last key and the request
    var MAX_QUERY = 50;
    // "@" after a space, a bracket or the start, an optional "[", then up to three words.
    var TYPED = /(^|[\s(])@\[?([^\s@\[\]<>()][^\n@\[\]<>()]{0,49})$/u;
    var counter = 0;

    function setUp(textarea) {
        counter += 1;
        var id = "mentions-" + counter;
        var wrapper = textarea.parentNode;
        wrapper.classList.add("mentions");

        var listbox = document.createElement("ul");
        listbox.id = id + "-list";
        listbox.className = "mentions__list";
        listbox.setAttribute("role", "listbox");
        listbox.setAttribute("aria-label", textarea.dataset.mentionsLabel || "");
        listbox.hidden = true;
        textarea.insertAdjacentElement("afterend", listbox);

        var status = document.createElement("div");
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        listbox.insertAdjacentElement("afterend", status);

        textarea.setAttribute("aria-autocomplete", "list");
        textarea.setAttribute("aria-haspopup", "listbox");
        textarea.setAttribute("aria-controls", listbox.id);
        textarea.setAttribute("autocomplete", "off");

        var state = { results: [], active: -1, start: -1, timer: null, request: null, query: "" };

        function close() {
            state.results = [];
            state.active = -1;
            listbox.hidden = true;
            listbox.replaceChildren();
            textarea.removeAttribute("aria-activedescendant");
        }

        function announce(count) {
            var text;
            if (count === 0) {
                text = textarea.dataset.mentionsNone || "";
            } else if (count === 1) {
                text = textarea.dataset.mentionsOne || "";
            } else {
                text = (textarea.dataset.mentionsMany || "").replace("%(count)s", String(count));
            }
            // A change of text is what a live region announces: same count, same text, so
            // clear it first.
            status.textContent = "";
            window.setTimeout(function () {
                status.textContent = text;
            }, 50);
        }

        function activate(index) {
            var options = listbox.querySelectorAll("[role=option]");
            options.forEach(function (option, position) {
                option.setAttribute("aria-selected", position === index ? "true" : "false");
            });
            state.active = index;
            if (index < 0) {
                textarea.removeAttribute("aria-activedescendant");
                return;
            }
            textarea.setAttribute("aria-activedescendant", options[index].id);
            options[index].scrollIntoView({ block: "nearest" });
        }

        function show(results) {
            listbox.replaceChildren();
            state.results = results;
            state.active = -1;
            results.forEach(function (result, index) {
                var option = document.createElement("li");
                option.id = id + "-option-" + index;
                option.className = "mentions__option";
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.textContent = result.name;
                if (result.structure) {
                    var detail = document.createElement("span");
                    detail.className = "mentions__detail";
                    detail.textContent = " · " + result.structure;
                    option.appendChild(detail);
                }
                // mousedown, not click: the text area keeps the focus and its caret.
                option.addEventListener("mousedown", function (event) {
                    event.preventDefault();
                    choose(index);
                });
                listbox.appendChild(option);
            });
            listbox.hidden = results.length === 0;
            textarea.removeAttribute("aria-activedescendant");
            announce(results.length);
        }

        function choose(index) {
            var result = state.results[index];
            if (!result || state.start < 0) {
                return;
            }
            var value = textarea.value;
            var end = textarea.selectionStart;
            var inserted = result.mention + " ";
            textarea.value = value.slice(0, state.start) + inserted + value.slice(end);
            var caret = state.start + inserted.length;
            textarea.setSelectionRange(caret, caret);
            close();
            textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }

        function typedMention() {
            if (textarea.selectionStart !== textarea.selectionEnd) {
                return null;
            }
            var before = textarea.value.slice(0, textarea.selectionStart);
            var match = TYPED.exec(before);
            // Three words at most, and two spaces end it: the sentence goes on.
            if (!match || match[2].trim().split(/\s+/).length > 3 || /\s\s$/.test(match[2])) {
                return null;
            }
            return {
                query: match[2].slice(0, MAX_QUERY),
                start: before.length - match[0].length + match[1].length
            };
        }

        function search(query) {
            if (state.request) {
                state.request.abort();
            }
            var controller = new AbortController();
            state.request = controller;
            var url = new URL(textarea.dataset.mentionsUrl, window.location.href);
            url.searchParams.set("q", query);
            fetch(url, {
                credentials: "same-origin",
                headers: { Accept: "application/json" },
                signal: controller.signal
            })
                .then(function (response) {
                    return response.ok ? response.json() : { results: [] };
                })
                .then(function (data) {
                    if (state.query === query && document.activeElement === textarea) {
                        show(Array.isArray(data.results) ? data.results : []);
                    }
                })
                .catch(function () {
                    /* aborted or offline: the plain text area still works */
                });
        }

        textarea.addEventListener("input", function () {
            var typed = typedMention();
            window.clearTimeout(state.timer);
            if (!typed) {
                state.query = "";
                state.start = -1;
                close();
                return;
            }
            state.start = typed.start;
            if (typed.query === state.query && !listbox.hidden) {
                return;
            }
            state.query = typed.query;
            state.timer = window.setTimeout(function () {
                search(typed.query);
            }, DELAY);
        });

        textarea.addEventListener("keydown", function (event) {
            if (listbox.hidden || state.results.length === 0) {
                return;
            }
            var count = state.results.length;
            if (event.key === "ArrowDown") {
                event.preventDefault();
                activate((state.active + 1) % count);
            } else if (event.key === "ArrowUp") {
                event.preventDefault();
                activate(state.active <= 0 ? count - 1 : state.active - 1);
            } else if ((event.key === "Enter" || event.key === "Tab") && state.active >= 0) {
                event.preventDefault();
                choose(state.active);
            } else if (event.key === "Escape") {
                event.preventDefault();
                close();
            }
        });

        textarea.addEventListener("blur", close);
    }

    function start() {
        document.querySelectorAll("textarea[data-mentions-url]").forEach(setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
