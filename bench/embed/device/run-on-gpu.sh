#!/usr/bin/env bash
# Run ON THE GPU MACHINE, as root, in the repo copy the device tool made, with .device/ carried (pack.sh made it):
#   bash bench/embed/device/run-on-gpu.sh              # issue 5's GPU goal: WebGPU, full-size ViT-B/32 fp16
#   OUT=/tmp/x bash bench/embed/device/run-on-gpu.sh --simulate   # here: CPU provider, tiny model, 48 images
# Unpacks Node and node_modules, installs the Vulkan loader, checks that onnxruntime gets a WebGPU adapter, writes
# photo-like 640x480 JPEGs with our generator, then runs bench:embed (16 decode processes; batch 64 and 256;
# float and uint8-input graphs) and the PyTorch + PIL + DataLoader peer on the same JPEGs, and last a summary
# against the goal. Everything lands in $OUT: results.jsonl (JSON lines) and run-on-gpu.log (all output).
# Knobs (env): DH_IMAGES (5000), DH_PROCS (16), DH_BUDGET_S (470: later benches are skipped past it),
# DH_IMAGE_SOURCE (ours, or peer: the JPEGs of peer_clip_torch.py --make-jpegs, behind the reference figures),
# DH_CONFIGS (bench:embed argument sets separated by ';', replacing the default list),
# DH_STEP_TIMEOUT_S (170 per bench run), DH_PYTHON (python3; /usr/bin/python3 with --simulate); with
# --simulate, DH_PROVIDER (cpu).
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
: "${OUT:?OUT must name the folder whose files come back}"
MODE=gpu
if [ "${1:-}" = "--simulate" ]; then MODE=simulate; fi
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
KIT=.device

fail() {
  echo "run-on-gpu: FAILED: $*" >&2
  exit 1
}

note() { echo "== [$(date -u +%T) +${SECONDS}s] $*"; }

# grep without -q reads all of ldconfig's output: an early exit would make pipefail report ldconfig's SIGPIPE.
has_vulkan_loader() { ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1' >/dev/null; }

main() {
  : >"$RESULTS"
  for file in "$KIT/node.tar.xz" "$KIT/node_modules.tar.xz" "$KIT/peer/peer_clip_torch.py" "$KIT/peer/peer_decode_pil.py"; do
    [ -f "$file" ] || fail "$file is missing: run bench/embed/device/pack.sh on the development machine and carry .device"
  done

  note "Node"
  local node_home=${DH_NODE_HOME:-/tmp/dh-node}
  rm -rf "$node_home" && mkdir -p "$node_home" && tar -xJf "$KIT/node.tar.xz" -C "$node_home" || fail "cannot unpack $KIT/node.tar.xz"
  export PATH="$node_home/node/bin:$PATH"
  unset NODE_PATH NODE_OPTIONS
  echo "node: $(command -v node)"
  node -v || fail "the carried Node does not run here (glibc or architecture?)"

  note "node_modules"
  if [ -e node_modules ] && [ ! -f node_modules/.device-kit ]; then
    fail "node_modules already exists in $(pwd) and is not the kit's: run in a copy without it"
  fi
  rm -rf node_modules && tar -xJf "$KIT/node_modules.tar.xz" || fail "cannot unpack $KIT/node_modules.tar.xz"
  touch node_modules/.device-kit
  local tsx=(node node_modules/tsx/dist/cli.mjs)

  local provider python procs images configs
  if [ "$MODE" = gpu ]; then
    note "Vulkan loader"
    if ! has_vulkan_loader; then
      for deb in "$KIT"/gl/*.deb; do dpkg -x "$deb" / || fail "dpkg -x $deb failed"; done
      ldconfig
    fi
    has_vulkan_loader || fail "libvulkan.so.1 is still missing after unpacking $KIT/gl/*.deb"
    # The driver's own ICD and EGL vendor files (device README, 'Headless rendering').
    local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES=$icd __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
    fi
    echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-<unset>}"
    note "nvidia-smi"
    nvidia-smi || echo "nvidia-smi failed"
    provider=webgpu
    python=${DH_PYTHON:-python3} # the image's python3, the one with torch
    procs=${DH_PROCS:-16}
    images=${DH_IMAGES:-5000}
    # The first run is the app's own path for a Hugging Face-layout model (float input, rewritten to take RGB bytes
    # on load) and also measures decoding beside the PIL peer; the others: the generated uint8-input graph, the
    # float path as exporters ship it, and another batch size.
    configs=(
      "--variant vit-b32 --precision fp16 --rgb-rewrite --batch 256 --reps 2"
      "--variant vit-b32 --precision fp16 --uint8-input --batch 256 --reps 1 --no-peer"
      "--variant vit-b32 --precision fp16 --rgb-rewrite --batch 128 --reps 1 --no-peer"
      "--variant vit-b32 --precision fp16 --batch 256 --reps 1 --no-peer"
    )
  else
    provider=${DH_PROVIDER:-cpu}
    python=${DH_PYTHON:-/usr/bin/python3} # Debian's, with python3-pil
    note "simulate: $provider provider, tiny model; no Vulkan, no nvidia-smi"
    procs=${DH_PROCS:-2}
    images=${DH_IMAGES:-48}
    configs=(
      "--variant tiny --rgb-rewrite --batch 16 --reps 1"
      "--variant tiny --uint8-input --batch 16 --reps 1 --no-peer"
    )
  fi
  if [ -n "${DH_CONFIGS:-}" ]; then IFS=';' read -r -a configs <<<"$DH_CONFIGS"; fi
  node -e 'const os = require("node:os"); console.log(JSON.stringify({ env: process.argv[1], node: process.version, cores: os.availableParallelism(), load_1m: os.loadavg()[0], memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1) }))' "$MODE" | tee -a "$RESULTS"

  note "provider check: $provider"
  "${tsx[@]}" bench/embed/device/check-provider.ts --provider "$provider" | tee -a "$RESULTS"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "onnxruntime cannot use the $provider provider (reason in the line above)"

  local image_dir=/tmp/dh-bench-images
  local budget=${DH_BUDGET_S:-470} step_timeout=${DH_STEP_TIMEOUT_S:-170}
  local common=(--images "$image_dir" --provider "$provider" --procs "$procs" --peer-python "$python" --peer-script "$KIT/peer/peer_decode_pil.py")
  run_bench() {
    if [ $((SECONDS + 60)) -gt "$budget" ]; then
      echo "{\"skipped\": \"bench:embed $1\", \"reason\": \"past the ${budget}s budget\"}" | tee -a "$RESULTS"
      return
    fi
    note "bench:embed $1"
    # shellcheck disable=SC2086
    timeout "$step_timeout" "${tsx[@]}" bench/embed/run.ts "${common[@]}" $1 | tee -a "$RESULTS"
    local status=${PIPESTATUS[0]}
    [ "$status" -eq 0 ] || echo "bench:embed $1 failed or timed out (exit $status)"
  }
  run_torch_peer() {
    note "peer: PyTorch + PIL + DataLoader, 16 workers"
    if [ "$MODE" = simulate ] && ! "$python" -c 'import torch' 2>/dev/null; then
      echo '{"skipped": "peer_clip_torch.py", "reason": "simulate: no torch here"}' | tee -a "$RESULTS"
      return
    fi
    PYTHONUNBUFFERED=1 timeout "$step_timeout" "$python" "$KIT/peer/peer_clip_torch.py" "$image_dir" --workers 16 "$@" | tee -a "$RESULTS"
    local status=${PIPESTATUS[0]}
    [ "$status" -eq 0 ] || echo "peer_clip_torch.py failed or timed out (exit $status)"
  }

  if [ "${DH_IMAGE_SOURCE:-ours}" = peer ]; then
    # The reference figures' images: the peer's own generator (a gradient under strong noise, quality 90: slow to
    # decode), written by its first run, which then measures itself on them.
    note "images: $images JPEGs from peer_clip_torch.py --make-jpegs (the reference figures' images), and the peer on them"
    rm -rf "$image_dir"
    run_torch_peer --make-jpegs "$images"
    echo "{\"images_written\": $(find "$image_dir" -name '*.jpg' | wc -l), \"bytes\": $(du -sb "$image_dir" | cut -f1), \"source\": \"peer_clip_torch.py --make-jpegs\", \"seconds_so_far\": $SECONDS}" | tee -a "$RESULTS"
  else
    note "images: $images photo-like 640x480 JPEGs in $(nproc) generator processes"
    local shard_dir=/tmp/dh-bench-shards
    local shards
    shards=$(nproc)
    local per_shard=$(((images + shards - 1) / shards))
    rm -rf "$image_dir" "$shard_dir" && mkdir -p "$image_dir" "$shard_dir"
    local pids=() shard
    for ((shard = 0; shard < shards; shard++)); do
      "${tsx[@]}" bench/embed/run.ts --make-images "$per_shard" "$shard_dir/$shard" --seed $((shard + 1)) >"$shard_dir/$shard.log" 2>&1 &
      pids+=($!)
    done
    for shard in "${!pids[@]}"; do
      wait "${pids[$shard]}" || fail "image generator $shard failed: $(tail -3 "$shard_dir/$shard.log")"
    done
    # One folder, names made unique per shard (every shard numbers its files from 0).
    node -e 'const fs = require("node:fs"); const [shards, out] = process.argv.slice(1);
      for (const shard of fs.readdirSync(shards).filter((d) => !d.endsWith(".log")))
        for (const file of fs.readdirSync(`${shards}/${shard}`)) fs.renameSync(`${shards}/${shard}/${file}`, `${out}/s${shard.padStart(2, "0")}-${file}`);' \
      "$shard_dir" "$image_dir"
    echo "{\"images_written\": $(find "$image_dir" -name '*.jpg' | wc -l), \"bytes\": $(du -sb "$image_dir" | cut -f1), \"seconds_so_far\": $SECONDS}" | tee -a "$RESULTS"
  fi

  # The torch peer runs second (unless it made the images, and ran then), so that the ratio exists even if the
  # budget cuts the later runs.
  run_bench "${configs[0]}"
  if [ "${DH_IMAGE_SOURCE:-ours}" != peer ]; then run_torch_peer; fi
  local config
  for config in "${configs[@]:1}"; do run_bench "$config"; done
  # The peer once more, last, so that its figure is not one lucky (or unlucky) run; the summary takes its best.
  if [ $((SECONDS + 45)) -le "$budget" ]; then run_torch_peer; fi

  note "summary against the goal (>= 1,200 images/s end to end, >= 1.8x the torch peer)"
  local summary
  summary=$("${tsx[@]}" bench/embed/device/summarise-results.ts "$RESULTS" --provider "$provider") || fail "no summary: $summary"
  echo "$summary" | tee -a "$RESULTS"
  note "done"
}

main "$@" 2>&1 | tee "$OUT/run-on-gpu.log"
exit "${PIPESTATUS[0]}"
