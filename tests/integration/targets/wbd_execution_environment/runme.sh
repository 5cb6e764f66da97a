#!/usr/bin/env bash
# The collection in an execution environment, built as far as it can be without a container engine:
# the tarball carries meta/execution-environment.yml, requirements.txt and bindep.txt; `ansible-builder create` over
# the shipped example definition (docs/awx/execution-environment.yml, pointed at the tarball) gives a context whose
# Containerfile installs the collection, introspects it and installs its requirements; the galaxy stage's install and
# the builder stage's introspection then run here from that context, and `ansible-builder introspect --sanitize`
# agrees; finally a fresh virtual environment gets exactly the introspected Python requirements, and a module of the
# installed collection runs on it against the sandbox (and fails, naming requests, before they are installed).
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

EE="$WBD_OUT/ee"
INSTALLED="$EE/installed"   # stands for /usr/share/ansible/collections in the image
COLLECTION="$INSTALLED/ansible_collections/ncloud/wbd"
rm -rf "$EE"
mkdir -p "$EE/definition"
command -v ansible-builder >/dev/null || wbd_fail "ansible-builder is not installed (tests/integration/requirements.txt)"
echo "== $(ansible-builder --version 2>&1 | head -1 | sed 's/^/ansible-builder /')"

ansible-galaxy collection build "$WBD_COL" --output-path "$EE/dist" >"$EE/build.log" 2>&1 \
  || { cat "$EE/build.log"; wbd_fail "ansible-galaxy collection build failed"; }
TARBALL="$(ls "$EE"/dist/ncloud-wbd-*.tar.gz)"
LISTING="$(tar -tzf "$TARBALL")"
for file in meta/execution-environment.yml requirements.txt bindep.txt docs/awx/execution-environment.yml docs/awx/credential_type.yml; do
  grep -qx "$file" <<<"$LISTING" || wbd_fail "$(basename "$TARBALL") lacks $file (galaxy.yml build_ignore?)"
done
echo "ok   $(basename "$TARBALL") ships meta/execution-environment.yml, requirements.txt, bindep.txt and docs/awx/"
tar -xzf "$TARBALL" -C "$EE/dist" docs/awx/execution-environment.yml

# The example as users get it must be a valid definition (create validates it against the version 3 schema).
(cd "$EE/dist/docs/awx" && ansible-builder create -f execution-environment.yml -c "$EE/example-context" \
  --output-filename Containerfile) >"$EE/create-example.log" 2>&1 \
  || { cat "$EE/create-example.log"; wbd_fail "ansible-builder create rejects docs/awx/execution-environment.yml"; }
grep -q 'name: ncloud.wbd' "$EE/example-context/_build/requirements.yml" \
  || wbd_fail "the example's context does not install ncloud.wbd: $(cat "$EE/example-context/_build/requirements.yml")"
echo "ok   ansible-builder create accepts the shipped example definition"

"$WBD_PY" files/ee_check.py definition "$EE/dist/docs/awx/execution-environment.yml" "$TARBALL" \
  "$EE/definition/execution-environment.yml" || wbd_fail "could not derive the definition"
(cd "$EE/definition" && ansible-builder create -f execution-environment.yml -c context --output-filename Containerfile) \
  >"$EE/create.log" 2>&1 || { cat "$EE/create.log"; wbd_fail "ansible-builder create failed"; }
CONTEXT="$EE/definition/context"
"$WBD_PY" files/ee_check.py context "$CONTEXT" "$TARBALL" "$EE/local-requirements.yml" || wbd_fail "bad build context"

# The galaxy stage, from the context: install the requirements into a collections path of their own.
ANSIBLE_COLLECTIONS_PATH="$INSTALLED" ansible-galaxy collection install --force -r "$EE/local-requirements.yml" \
  --collections-path "$INSTALLED" >"$EE/galaxy.log" 2>&1 || { cat "$EE/galaxy.log"; wbd_fail "the galaxy stage's install failed"; }
[ -f "$COLLECTION/MANIFEST.json" ] || wbd_fail "the galaxy stage did not install ncloud.wbd in $INSTALLED"

# The builder stage's introspection, with the context's own script, and the CLI a collection author runs.
"$WBD_PY" "$CONTEXT/_build/scripts/introspect.py" introspect --write-pip="$EE/out/requirements.txt" \
  --write-bindep="$EE/out/bindep.txt" "$INSTALLED" >"$EE/introspect-build.out" 2>"$EE/introspect-build.err" \
  || { cat "$EE/introspect-build.out" "$EE/introspect-build.err"; wbd_fail "the context's introspect.py failed"; }
ansible-builder introspect --sanitize "$INSTALLED" >"$EE/introspect-cli.out" 2>"$EE/introspect-cli.err" \
  || { cat "$EE/introspect-cli.out" "$EE/introspect-cli.err"; wbd_fail "ansible-builder introspect --sanitize failed"; }
"$WBD_PY" files/ee_check.py introspect "$COLLECTION" "$EE/introspect-build.out" "$EE/out/requirements.txt" \
  "$EE/out/bindep.txt" "$EE/introspect-cli.out" || wbd_fail "introspection does not match the collection's requirements"

# The image's Python, stood in for by a fresh virtual environment that sees no other site-packages.
wbd_sandbox_start ee --servers 7 --detections 10
"$WBD_PY" -m venv "$EE/venv" >"$EE/venv.log" 2>&1 || { cat "$EE/venv.log"; wbd_fail "could not create a virtual environment"; }
VENV_PY="$EE/venv/bin/python"
run_module() {  # run_module EXPECT: the module playbook with the venv's Python and only the installed collection
  ANSIBLE_COLLECTIONS_PATH="$INSTALLED" NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 \
    NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c ansible-playbook files/ee_module.yml \
    -e "ansible_python_interpreter=$VENV_PY" -e "wbd_endpoint=$WBD_URL" -e wbd_servers=7 -e "wbd_expect=$1" \
    >"$EE/module-$1.log" 2>&1 || { tail -n 30 "$EE/module-$1.log"; wbd_fail "module run ($1) failed"; }
}
run_module missing
echo "ok   without the requirements, the installed module fails on $VENV_PY saying requests is missing"
"$VENV_PY" -m pip install -r "$EE/out/requirements.txt" >"$EE/pip.log" 2>&1 \
  || { tail -n 20 "$EE/pip.log"; wbd_fail "pip install of the introspected requirements failed"; }
run_module works
echo "ok   with exactly the introspected requirements ($(grep -c . "$EE/out/requirements.txt") line), it lists the sandbox's 7 servers"
