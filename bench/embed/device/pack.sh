#!/usr/bin/env bash
# Run HERE (the development machine), in the repo: packs into .device/ (git-ignored) what run-on-gpu.sh needs on
# the GPU machine, which has no Node, no network and no Vulkan loader, and receives only the repo (../shared does
# not travel) plus at most 64 MiB of carried paths:
#   .device/node.tar.xz          this machine's Node binary (process.execPath) as node/bin/node
#   .device/node_modules.tar.xz  only the packages bench:embed loads (runtime-closure.ts), this platform's binaries only
#   .device/peer/                copies of ../shared/bench/peer_clip_torch.py and peer_decode_pil.py
#   .device/gl/                  the Vulkan loader (and GL/EGL loaders) as .deb files, per the device README
# Then prints the sizes and the device `run` call to make.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
DEST=.device
SHARED_BENCH=${SHARED_BENCH:-../shared/bench}
XZ="xz -T0 -6"

node_modules_dir=$(realpath node_modules) || { echo "pack.sh: no node_modules here; run npm ci first" >&2; exit 1; }
node_bin=$(node -p process.execPath)
rm -rf "$DEST"
mkdir -p "$DEST/peer" "$DEST/gl"

echo "== Node: $node_bin ($(node -v))"
# Stripped of its debug information (a few MB of the archive); the binary runs the same.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/node/bin"
strip -o "$stage/node/bin/node" "$node_bin" 2>/dev/null || cp "$node_bin" "$stage/node/bin/node"
"$stage/node/bin/node" -e 0 || { echo "pack.sh: the stripped Node does not run" >&2; exit 1; }
tar -C "$stage" -cf - node | $XZ > "$DEST/node.tar.xz"

echo "== node_modules: the runtime closure of the bench's packages"
# protobufjs is a devDependency, but scripts/onnx writes the generated models with it. adm-zip and global-agent
# serve onnxruntime-node's install script only; @types/node is types only.
packages=$(npx --no-install tsx bench/embed/device/runtime-closure.ts "$node_modules_dir" \
  sharp @julusian/jpeg-turbo onnxruntime-node tsx zod protobufjs --skip @types/node,adm-zip,global-agent)
echo "$packages" | tr '\n' ' '; echo
ort_bin=node_modules/onnxruntime-node/bin/napi-v6
turbo_bin=node_modules/@julusian/jpeg-turbo/prebuilds
# Other platforms' onnxruntime builds are most of the package's 290 MB (libjpeg-turbo's are 7 MB); maps and type
# declarations are not run.
# shellcheck disable=SC2086
tar -C "$(dirname "$node_modules_dir")" -cf - \
  --exclude="$ort_bin/darwin" --exclude="$ort_bin/win32" --exclude="$ort_bin/linux/arm64" \
  --exclude="$turbo_bin/jpeg-turbo-darwin-*" --exclude="$turbo_bin/jpeg-turbo-win32-*" \
  --exclude="$turbo_bin/jpeg-turbo-linux-arm" --exclude="$turbo_bin/jpeg-turbo-linux-arm64" --exclude="$turbo_bin/jpeg-turbo-linux-x64-musl" \
  --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.cts' --exclude='*.d.mts' \
  $packages | $XZ > "$DEST/node_modules.tar.xz"

echo "== peers from $SHARED_BENCH"
cp "$SHARED_BENCH/peer_clip_torch.py" "$SHARED_BENCH/peer_decode_pil.py" "$DEST/peer/"

echo "== Vulkan loader .debs (device README, 'Headless rendering')"
apt_opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
debs=(libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
mkdir -p /tmp/amd64/partial
if apt-get "${apt_opts[@]}" update >/dev/null && (cd "$DEST/gl" && apt-get "${apt_opts[@]}" download "${debs[@]}" >/dev/null); then
  ls "$DEST/gl"
else
  echo "pack.sh: apt-get could not download the .debs. Run by hand, in $(pwd):" >&2
  echo "  mkdir -p /tmp/amd64/partial $DEST/gl; apt-get ${apt_opts[*]} update; (cd $DEST/gl && apt-get ${apt_opts[*]} download ${debs[*]})" >&2
  exit 1
fi

echo "== sizes"
du -sh "$DEST"/node.tar.xz "$DEST"/node_modules.tar.xz "$DEST"/peer "$DEST"/gl
carried=$(du -sb "$DEST" | cut -f1)
tracked=$(git ls-files -z | du -cb --files0-from=- | tail -1 | cut -f1)
untracked=$(git ls-files -z --others --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
total=$((carried + tracked + untracked))
awk -v c="$carried" -v t="$tracked" -v u="$untracked" -v s="$total" 'BEGIN { m = 1048576;
  printf "carried %.1f MiB + tracked %.1f MiB + untracked %.1f MiB = %.1f MiB of the 64 MiB a device call takes\n", c/m, t/m, u/m, s/m }'
if [ "$total" -ge $((60 * 1048576)) ]; then echo "pack.sh: over 60 MiB: the device call would be refused or nearly so" >&2; exit 1; fi

cat <<'EOF'

== The device call (run tool), from this repo's checkout:
  command:   bash bench/embed/device/run-on-gpu.sh
  carry:     [".device"]
  timeout_s: 560
What comes back under $OUT: results.jsonl (one JSON line per measurement, last the summary against the goal),
run-on-gpu.log (everything printed, nvidia-smi included). See bench/embed/device/README.md.
EOF
