#!/usr/bin/env bash
# Run the collection's checks. Each step is one check; every selected step runs even if an earlier
# one failed; a summary follows and the last line is "N passed, N failed". Exit status 1 if any failed.
#
#   tools/test.sh                 all steps (what `make test` and .ci/run do)
#   tools/test.sh lint units      only some steps / groups (see --list)
#   tools/test.sh --list
#
# Tests run on a copy of the working tree (tracked + untracked-not-ignored files) placed at
# $WORK/ansible_collections/ncloud/wbd, because ansible-test needs that path shape.
# Knobs: WBD_KEEP_WORK=1 keeps $WORK; WBD_SUMMARY_FILE=F also writes the final line to F;
#        WBD_CACHE_DIR (venv cache, see tools/lib.sh); WBD_LANES=1 runs the steps one after another (see the runner).
set -uo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# sanity/units run on ansible-core 2.19 (the main venv); the compat steps cover every other version requires_ansible
# admits: 2.16-2.18 on Python 3.11, 2.20 on 3.12 and the newest on 3.13.
COMPAT_STEPS=(sanity-2.16 units-2.16 sanity-2.17 units-2.17 sanity-2.18 units-2.18 sanity-2.20 units-2.20
              sanity-newest units-newest)
ALL_STEPS=(ruff yamllint ansible-lint changelog-lint docs-lint extra-checks docs-site sanity units integration eda molecule bench-smoke build-install
           galaxy-importer "${COMPAT_STEPS[@]}")
declare -A GROUPS_=(
  [all]="${ALL_STEPS[*]}"
  [lint]="ruff yamllint ansible-lint changelog-lint docs-lint extra-checks"
  [compat]="${COMPAT_STEPS[*]}"
  [sanity-all]="sanity $(printf '%s\n' "${COMPAT_STEPS[@]}" | grep '^sanity' | tr '\n' ' ')"
  [units-all]="units $(printf '%s\n' "${COMPAT_STEPS[@]}" | grep '^units' | tr '\n' ' ')"
)

if [ "${1:-}" = "--list" ] || [ "${1:-}" = "-l" ]; then
  echo "steps:  ${ALL_STEPS[*]}"
  for g in "${!GROUPS_[@]}"; do echo "group $g: ${GROUPS_[$g]}"; done
  exit 0
fi

SELECTED=()
for a in "${@:-all}"; do
  if [ -n "${GROUPS_[$a]:-}" ]; then
    read -r -a more <<<"${GROUPS_[$a]}"; SELECTED+=("${more[@]}")
  elif printf '%s\n' "${ALL_STEPS[@]}" | grep -qx -- "$a"; then
    SELECTED+=("$a")
  else
    echo "unknown step or group: $a (try --list)" >&2; exit 2
  fi
done

finish() {  # finish PASSED FAILED
  local line="$1 passed, $2 failed"
  [ -n "${WBD_SUMMARY_FILE:-}" ] && echo "$line" >"$WBD_SUMMARY_FILE"
  echo "$line"
  [ "$2" -eq 0 ]
}

# ---- main toolchain venv (Python 3.11, ansible-core 2.19) -------------------------------------
T0=$SECONDS
if ! MAIN_VENV="$(wbd_ensure_venv "$WBD_REPO/requirements/dev.txt")"; then
  echo "FATAL: could not create the main venv from requirements/dev.txt"
  finish 0 1; exit 1
fi
export PATH="$MAIN_VENV/bin:$PATH"
MAIN_PY="$(wbd_venv_python "$MAIN_VENV")"
wbd_install_get_pip_shims "$MAIN_VENV"
SETUP_SECS=$((SECONDS - T0))

WORK="$(mktemp -d "${TMPDIR:-/tmp}/$WBD_NS.$WBD_NAME.test.XXXXXX")"
cleanup() {
  wbd_remove_stale
  if [ "${WBD_KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
COL="$(wbd_workcopy "$WORK/main")" || { echo "FATAL: could not copy the working tree"; finish 0 1; exit 1; }
export ANSIBLE_COLLECTIONS_PATH="$WORK/main"
wbd_remove_stale
cd "$COL" || exit 1

# ---- steps -----------------------------------------------------------------------------------
# ruff (ruff.toml: pyflakes, pycodestyle, import order, bugbear, complexity <= 15) and its formatter, then the
# function-size ceiling of plugins/ (60 lines; tools/function_size.py prints the longest functions).
step_ruff()           { ruff check . && ruff format --check . && python tools/function_size.py --top 3 plugins; }
step_yamllint()       { yamllint -s .; }
step_ansible_lint()   {
  local rc=0
  wbd_remove_stale
  ansible-lint --profile production || rc=$?
  wbd_remove_stale; rm -rf "$COL/.ansible"   # keep ansible-lint's build copy out of later steps
  return $rc
}
step_changelog_lint() { antsibull-changelog lint; }
step_docs_lint()      { antsibull-docs lint-collection-docs --plugin-docs .; }
# antsibull-nox's extra checks (antsibull-nox.toml): action-groups, no-unwanted-files, no-trailing-whitespace and
# avoid-characters. nox runs from the pinned venv of requirements/antsibull-nox.txt; the session runs in that Python
# (python=False), installs nothing and needs no network. It runs on a fresh copy of the tree (the files git lists, as
# antsibull-nox lists them in a checkout), since the other steps leave caches and output in $COL.
step_extra_checks()   {
  local venv col
  venv="$(wbd_ensure_venv "$WBD_REPO/requirements/antsibull-nox.txt")" || return 1
  col="$(wbd_workcopy "$WORK/nox")" || return 1
  (cd "$col" && "$venv/bin/nox" --non-interactive -e extra-checks)
}
# The docs site, offline: `antsibull-docs sphinx-init` for the collection (its conf.py, with a 10 s intersphinx timeout
# added), `antsibull-docs collection` (plugin pages, the guides listed in docs/docsite/extra-docs.yml, the changelog),
# then Sphinx into build/docs of the repository. The generated build.sh is not used: it passes -W, and offline the
# intersphinx inventories cannot be fetched. tools/docs_site_warnings.py fails the step on any warning but those of the
# unreachable inventories and the references only they would resolve (never a reference into this collection).
step_docs_site() {
  local venv site="$WORK/docsite" out="$WBD_REPO/build/docs" log="$WORK/docs-site.log" rc=0
  venv="$(wbd_ensure_venv "$WBD_REPO/requirements/docs.txt")" || return 1
  rm -rf "$site"; mkdir -p "$site" && chmod go-w "$site"
  PATH="$venv/bin:$PATH" antsibull-docs sphinx-init --use-current --fail-on-error --squash-hierarchy \
    --project "$WBD_NS.$WBD_NAME" --title "$WBD_NS.$WBD_NAME" --dest-dir "$site" "$WBD_NS.$WBD_NAME" >"$log" 2>&1 \
    || { cat "$log"; return 1; }
  echo 'intersphinx_timeout = 10  # added by tools/test.sh: offline, fail fast' >>"$site/conf.py"
  mkdir -p "$site/rst" && chmod og-w "$site/rst"
  (cd "$site" && PATH="$venv/bin:$PATH" antsibull-docs --config-file antsibull-docs.cfg collection --use-current \
    --fail-on-error --squash-hierarchy --cleanup everything --dest-dir rst "$WBD_NS.$WBD_NAME") >>"$log" 2>&1 \
    || { cat "$log"; echo "antsibull-docs collection failed"; return 1; }
  rm -rf "$out"
  "$venv/bin/sphinx-build" -b html -c "$site" -q --keep-going -w "$WORK/docs-site-warnings.log" "$site/rst" "$out" >>"$log" 2>&1 \
    || { cat "$log"; echo "sphinx-build failed"; rc=1; }
  python "$COL/tools/docs_site_warnings.py" "$WORK/docs-site-warnings.log" || rc=1
  [ -f "$out/index.html" ] || { echo "no $out/index.html"; return 1; }
  echo "docs site: $out/index.html ($(find "$out" -name '*.html' | wc -l) pages)"
  return $rc
}
step_sanity()         { ansible-test sanity --venv --python "$MAIN_PY"; }
step_units()          { ansible-test units --venv --python "$MAIN_PY"; }
# WBD_TARGETS="a b" (make integration TARGETS="a b") runs only those targets.
# shellcheck disable=SC2086
step_integration()    {
  local rc=0
  ansible-test integration --venv --python "$MAIN_PY" ${WBD_TARGETS:-} || rc=$?
  # The quirks matrix table (mode by mode), kept where the molecule output goes: ansible-test removes its output dir.
  if [ -d "$COL/tests/output/quirks-matrix" ]; then
    rm -rf "$WBD_REPO/tests/output/quirks-matrix"
    mkdir -p "$WBD_REPO/tests/output" && cp -r "$COL/tests/output/quirks-matrix" "$WBD_REPO/tests/output/"
    echo "quirks matrix: $WBD_REPO/tests/output/quirks-matrix"
  fi
  return $rc
}

# Event-Driven Ansible: the event sources' unit tests (with the sandbox's inject endpoints' tests) in the venv of
# requirements/eda.txt, then the integration target eda_rulebook, which runs the real ansible-rulebook from that venv
# (Java 17) against the sandbox. The target is marked disabled so that the integration step does not run it a second
# time; here it is named and allowed.
# Last, galaxy-importer (its own venv, ansible-lint and ansible-test off: the galaxy-importer step runs those) must list
# both event sources with the documentation ansible-doc reads from them, and report nothing about extensions/eda.
step_eda() {
  local venv rc=0
  venv="$(wbd_ensure_venv "$WBD_REPO/requirements/eda.txt")" || return 1
  PYTHONPATH="$WORK/main" "$venv/bin/python" -m pytest -p no:cacheprovider -q -n 2 tests/unit/extensions tests/unit/sandbox/test_sandbox_inject.py || rc=1
  ansible-test integration --venv --python "$MAIN_PY" --allow-disabled eda_rulebook || rc=1
  eda_importer_lists_sources || rc=1
  return $rc
}
eda_importer_lists_sources() {
  local venv dist="$WORK/dist-eda" cfg="$WORK/eda-importer.cfg" out="$WORK/eda-importer.log"
  venv="$(wbd_ensure_venv "$WBD_REPO/requirements/galaxy-importer.txt")" || return 1
  rm -rf "$dist" && ansible-galaxy collection build --force --output-path "$dist" >/dev/null || return 1
  printf '[galaxy-importer]\nRUN_ANSIBLE_LINT = False\nRUN_FLAKE8 = True\nRUN_ANSIBLE_TEST = False\n' >"$cfg"
  GALAXY_IMPORTER_CONFIG="$cfg" PATH="$venv/bin:$PATH" "$venv/bin/python" -m galaxy_importer.main --print-result "$dist"/*.tar.gz >"$out" 2>&1 \
    || { cat "$out"; echo "galaxy-importer failed"; return 1; }
  python - "$out" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
noise = [line for line in text.splitlines() if re.match(r'(WARNING|ERROR)', line) and re.search(r'extensions/eda|event_source', line)]
result = json.loads(text[text.index('\n{') + 1:])
listed = sorted(c['name'] for c in result['contents'] if c['content_type'] == 'eda/plugins/event_source')
documented = sorted(c['content_name'] for c in result['docs_blob']['contents'] if c['content_type'] == 'eda/plugins/event_source' and c['doc_strings'])
print('galaxy-importer lists the event sources %s, documented: %s' % (listed, documented))
sys.exit(1 if noise or listed != ['agent_status', 'detections'] or documented != listed else 0)
PY
}

# The audit roles on localhost against the sandbox's known dataset: converge, idempotence, check mode, verify
# (statuses, report contents, the HTML report in headless Chromium). Reports and the screenshot are copied
# to tests/output/molecule/ of the repository.
step_molecule() {
  local rc=0
  molecule test -s audit || rc=$?
  rm -rf "$WBD_REPO/tests/output/molecule"
  if [ -d "$COL/tests/output/molecule" ]; then
    mkdir -p "$WBD_REPO/tests/output" && cp -r "$COL/tests/output/molecule" "$WBD_REPO/tests/output/"
    echo "molecule output: $WBD_REPO/tests/output/molecule"
  fi
  return $rc
}

# The benchmark at tiny sizes, so it cannot rot: it checks record counts and that the audit's API requests do not
# depend on the inventory size; it never judges a time.
step_bench_smoke() { python "$COL/tools/bench.py" --smoke --out "$WORK/bench-smoke.json"; }

step_build_install() {
  local dist="$WORK/dist" inst="$WORK/installed" tarball list mods m
  rm -rf "$dist" "$inst"
  ansible-galaxy collection build --force --output-path "$dist" || return 1
  tarball="$(ls "$dist/$WBD_NS-$WBD_NAME-"*.tar.gz)" || return 1
  # Only the product ships: no tests (the sandbox included), tooling, venvs or build output. Of tests/ only
  # tests/config.yml ships: ansible-test sanity on the tarball (galaxy-importer, Automation Hub) reads it.
  list="$(tar -tzf "$tarball")" || return 1
  if grep -E '^(\./)?(\.ansible|collections|tests|extensions|\.venv|venv|\.ci|\.nox|\.ruff_cache|tools|requirements|build)/' <<<"$list" \
      | grep -v -x -E '(\./)?(tests/(config\.yml)?|extensions/(eda(/.*)?)?)'; then
    echo "tarball contains files that are not the product (see above): fix build_ignore in galaxy.yml"; return 1
  fi
  # extensions/eda ships (the event sources, their shared code and the example rulebooks); extensions/molecule does not.
  grep -q -x -E '(\./)?extensions/eda/plugins/event_source/detections\.py' <<<"$list" \
    || { echo "tarball lacks extensions/eda (the event sources): fix build_ignore in galaxy.yml"; return 1; }
  grep -q -x -E '(\./)?tests/config\.yml' <<<"$list" \
    || { echo "tarball lacks tests/config.yml (ansible-test sanity on the tarball needs it): fix build_ignore in galaxy.yml"; return 1; }
  ANSIBLE_COLLECTIONS_PATH="$inst" ansible-galaxy collection install --force "$tarball" -p "$inst/ansible_collections" || return 1
  list="$(ANSIBLE_COLLECTIONS_PATH="$inst" ansible-doc -t module -l "$WBD_NS.$WBD_NAME")" || return 1
  echo "$list"
  mods="$(awk '{print $1}' <<<"$list" | grep "^$WBD_NS\.$WBD_NAME\.")"
  [ -n "$mods" ] || { echo "ansible-doc -l $WBD_NS.$WBD_NAME lists no modules"; return 1; }
  local want have doc
  want="$(for f in plugins/modules/*.py; do f="${f##*/}"; echo "$WBD_NS.$WBD_NAME.${f%.py}"; done | sort)"
  have="$(sort <<<"$mods")"
  [ "$want" = "$have" ] || { echo "ansible-doc lists other modules than plugins/modules holds:"; diff <(echo "$want") <(echo "$have"); return 1; }
  for m in $mods; do
    doc="$(ANSIBLE_COLLECTIONS_PATH="$inst" ANSIBLE_NOCOLOR=1 ansible-doc -t module "$m")" || { echo "ansible-doc $m failed"; return 1; }
    for section in OPTIONS EXAMPLES 'RETURN VALUES'; do
      grep -q "^$section" <<<"$doc" || { echo "ansible-doc $m renders no $section section"; return 1; }
    done
  done
  local plugin n_inv=0
  for plugin in plugins/inventory/*.py; do
    plugin="$WBD_NS.$WBD_NAME.$(basename "$plugin" .py)"
    doc="$(ANSIBLE_COLLECTIONS_PATH="$inst" ANSIBLE_NOCOLOR=1 ansible-doc -t inventory "$plugin")" || { echo "ansible-doc -t inventory $plugin failed"; return 1; }
    for section in OPTIONS EXAMPLES; do
      grep -q "^$section" <<<"$doc" || { echo "ansible-doc -t inventory $plugin renders no $section section"; return 1; }
    done
    n_inv=$((n_inv + 1))
  done
  echo "built $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB), installed, $(wc -w <<<"$mods") module docs render with options, examples and return values, $n_inv inventory plugin docs with options and examples"
}

# galaxy-importer (what Galaxy and Automation Hub run on upload) on the built tarball, from its own venv, with its
# ansible-test sanity on (RUN_ANSIBLE_TEST = True). It passes only with no ERROR and no WARNING line (its flake8 and
# ansible-lint findings are warnings that do not fail an import; a failed sanity test shows as ERROR lines, since the
# importer runs ansible-test with --failure-ok).
# The one deviation from Automation Hub: ansible-test sanity runs in place instead of in the importer's container
# (no container engine here), through tools/importer-ansible-test.sh, first on PATH as `ansible-test` in this step
# only; that file says what differs and how the step makes up for it (primed venvs, Pythons, locale).
step_galaxy_importer() {
  local venv dist="$WORK/dist-importer" tarball cfg="$WORK/galaxy-importer.cfg" log="$WORK/galaxy-importer.log" rc=0
  local bin="$WORK/importer-bin" pybin="$WBD_CACHE_DIR/importer-python" prime="$WORK/importer-prime" v py col
  venv="$(wbd_ensure_venv "$WBD_REPO/requirements/galaxy-importer.txt")" || return 1
  wbd_install_get_pip_shims "$venv"
  wbd_check_standard_locale || return 1
  rm -rf "$dist" "$bin" "$prime"; mkdir -p "$bin" "$pybin"
  # Built from its own copy of the tree: it runs in the side lane, while the main lane's tests write into $COL.
  col="$(wbd_workcopy "$WORK/importer")" || return 1
  (cd "$col" && ansible-galaxy collection build --force --output-path "$dist" >/dev/null) || return 1
  tarball="$(ls "$dist/$WBD_NS-$WBD_NAME-"*.tar.gz)" || return 1
  printf '[galaxy-importer]\nRUN_ANSIBLE_LINT = True\nRUN_FLAKE8 = True\nCHECK_CHANGELOG = True\nRUN_ANSIBLE_TEST = True\n' >"$cfg"
  # The Pythons the importer's ansible-test supports, where this machine has them (real interpreters, not pyenv shims);
  # a fixed path, because the cached sanity venvs made from them point back to it.
  for v in $("$venv/bin/python" -c 'from ansible_test._internal.constants import SUPPORTED_PYTHON_VERSIONS as v; print(*v)'); do
    if py="$(wbd_find_python "$v" 2>/dev/null)"; then ln -sfn "$py" "$pybin/python$v"; else rm -f "$pybin/python$v"; fi
  done
  ln -s "$col/tools/importer-ansible-test.sh" "$bin/ansible-test"
  local run_env=(GALAXY_IMPORTER_CONFIG="$cfg" PATH="$bin:$venv/bin:$PATH" WBD_IMPORTER_ANSIBLE_TEST="$venv/bin/ansible-test"
                 WBD_IMPORTER_PYTHON_BIN="$pybin")
  # As the importer's container image is built: the sanity venvs primed on a placeholder collection (cached in
  # ~/.ansible/test/venv; pip runs here, on a cold cache only, not in the importer's log).
  mkdir -p "$prime/ansible_collections/ns/col" && touch "$prime/ansible_collections/ns/col/placeholder.txt"
  (cd "$prime/ansible_collections/ns/col" && env "${run_env[@]}" ansible-test sanity --docker --prime-venvs) >"$WORK/importer-prime.log" 2>&1 \
    || { cat "$WORK/importer-prime.log"; echo "priming the sanity venvs failed"; return 1; }
  env "${run_env[@]}" "$venv/bin/python" -m galaxy_importer.main "$tarball" >"$log" 2>&1 || rc=$?
  # ansible-test colours its output (the importer asks for --color yes): compare the lines without escape sequences.
  sed -i 's/\x1b\[[0-9;]*m//g' "$log"
  grep -v -E '^(Loading|Linting) ' "$log"
  [ $rc -eq 0 ] || { echo "galaxy-importer failed (rc $rc)"; return 1; }
  grep -q 'Importer processing completed successfully' "$log" || { echo "galaxy-importer did not complete"; return 1; }
  grep -q '^Running sanity test ' "$log" || { echo "galaxy-importer ran no ansible-test sanity test"; return 1; }
  if grep -E '^(WARNING|ERROR)' "$log" >/dev/null; then echo "galaxy-importer reported warnings or errors (above)"; return 1; fi
  echo "galaxy-importer $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))') accepted $(basename "$tarball"); ansible-test sanity ($(grep -c '^Running sanity test ' "$log") test runs) found nothing"
}

# Other ansible-core versions: own cached venv + own work copy, ansible-test from that venv.
compat() {  # compat VARIANT SUBCOMMAND  (VARIANT = requirements/core-VARIANT.txt)
  local variant="$1" sub="$2" req venv pyver col
  req="$WBD_REPO/requirements/core-$variant.txt"
  venv="$(wbd_ensure_venv "$req")" || return 1
  pyver="$(wbd_venv_python "$venv")"
  wbd_install_get_pip_shims "$venv"
  col="$WORK/core-$variant/ansible_collections/$WBD_NS/$WBD_NAME"
  [ -d "$col" ] || col="$(wbd_workcopy "$WORK/core-$variant")" || return 1
  (
    cd "$col" || exit 1
    export PATH="$venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$WORK/core-$variant"
    echo "ansible-core $("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)'), python $pyver"
    ansible-test "$sub" --venv --python "$pyver"
  )
}
step_sanity_2_16()    { compat 2.16 sanity; }
step_units_2_16()     { compat 2.16 units; }
step_sanity_2_17()    { compat 2.17 sanity; }
step_units_2_17()     { compat 2.17 units; }
step_sanity_2_18()    { compat 2.18 sanity; }
step_units_2_18()     { compat 2.18 units; }
step_sanity_2_20()    { compat 2.20 sanity; }
step_units_2_20()     { compat 2.20 units; }
step_sanity_newest()  { compat newest sanity; }
step_units_newest()   { compat newest units; }

# ---- runner ----------------------------------------------------------------------------------
# Two lanes, for the two cores of a CI machine. The main lane (lint, docs, the main sanity and units, integration, eda,
# molecule, bench smoke, build) keeps about one core busy: its playbooks wait on the sandbox. The side lane runs the
# SIDE_STEPS (galaxy-importer and the other ansible-core versions' units and sanity, each in its own work copy and venv)
# on the other core. A side step's output is kept and printed after the main lane, in order. ansible-test creates its
# sanity venvs (~/.ansible/test/venv) without a lock, so no side step that runs ansible-test sanity starts before the
# main lane's sanity step has ended. WBD_LANES=1 runs every step in one lane.
SIDE_STEPS=(units-2.16 units-2.17 units-2.18 units-2.20 units-newest galaxy-importer
            sanity-2.16 sanity-2.17 sanity-2.18 sanity-2.20 sanity-newest)
PASSED=0; FAILED=0; RESULTS=()
step() {  # step NAME: runs step_NAME, records pass/fail + duration
  local name="$1" t0=$SECONDS rc=0
  echo; echo "==== $name"
  "step_${name//[-.]/_}" </dev/null || rc=$?
  local dt=$((SECONDS - t0))
  if [ $rc -eq 0 ]; then PASSED=$((PASSED + 1)); RESULTS+=("$(printf '  %-16s ok      %4ss' "$name" "$dt")")
  else FAILED=$((FAILED + 1)); RESULTS+=("$(printf '  %-16s FAILED  %4ss  (rc %s)' "$name" "$dt" "$rc")"); fi
  echo "==== $name: $([ $rc -eq 0 ] && echo ok || echo "FAILED rc=$rc") (${dt}s)"
}

MAIN=() SIDE=()
for s in "${SELECTED[@]}"; do
  if printf '%s\n' "${SIDE_STEPS[@]}" | grep -qx -- "$s"; then SIDE+=("$s"); else MAIN+=("$s"); fi
done
if [ "${WBD_LANES:-2}" = 1 ] || [ ${#MAIN[@]} -eq 0 ] || [ ${#SIDE[@]} -eq 0 ]; then
  for s in "${SELECTED[@]}"; do step "$s"; done
else
  LANE="$WORK/side-lane"; mkdir -p "$LANE"
  printf '%s\n' "${MAIN[@]}" | grep -qx sanity || touch "$LANE/main-sanity.done"
  side_lane() {  # the SIDE steps in SIDE_STEPS order, each step's output in $LANE/N-STEP.log
    trap - EXIT
    local s n=0
    for s in "${SIDE_STEPS[@]}"; do
      printf '%s\n' "${SIDE[@]}" | grep -qx -- "$s" || continue
      case "$s" in sanity-*|galaxy-importer)
        while [ ! -e "$LANE/main-sanity.done" ] && kill -0 "$MAIN_PID" 2>/dev/null; do sleep 2; done ;;
      esac
      n=$((n + 1))
      step "$s" >"$LANE/$(printf '%02d' "$n")-$s.log" 2>&1
    done
    printf '%s\n' "${RESULTS[@]}" >"$LANE/results"
    echo "$PASSED $FAILED" >"$LANE/counts"
  }
  MAIN_PID=$$
  echo "side lane (its output follows the main lane's): ${SIDE[*]}"
  set -m; side_lane & SIDE_PID=$!; set +m
  # shellcheck disable=SC2064
  trap "kill -- -$SIDE_PID 2>/dev/null; cleanup" EXIT
  for s in "${MAIN[@]}"; do
    step "$s"
    [ "$s" = sanity ] && touch "$LANE/main-sanity.done"
  done
  echo; echo "==== waiting for the side lane"
  wait "$SIDE_PID"
  trap cleanup EXIT
  for log in "$LANE"/[0-9]*.log; do [ -e "$log" ] && cat "$log"; done
  if [ -f "$LANE/counts" ]; then
    read -r p f <"$LANE/counts"; PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    mapfile -t side_results <"$LANE/results"; RESULTS+=("${side_results[@]}")
  else
    FAILED=$((FAILED + 1)); RESULTS+=("  side lane        FAILED  (it ended without its results)")
  fi
fi

echo
echo "==== summary (main venv setup ${SETUP_SECS}s, total $((SECONDS - T0))s)"
printf '%s\n' "${RESULTS[@]}"
finish "$PASSED" "$FAILED"
