#!/usr/bin/env bash
# Segment-parallel rendering on a real Slurm cluster of one node, started on this machine.
#
# Installs slurmctld, slurmd, slurm-client and munge from the distribution's packages (apt-get)
# where they are missing, starts munged, slurmctld and slurmd on private paths, ports and
# configuration (no cgroups: proctrack/linuxproc, task/none; the machine's own Slurm or munge, if
# any, is left alone), makes a 12-frame clip, submits it at 40 px as 3 array tasks and the join
# (the script `paintflow video ... --emit-sbatch 3` prints), waits with a bounded timeout, checks
# that every task and the join completed, that every frame is in the output folder and that the
# seams were measured, and stops the daemons it started. Where Slurm cannot start it fails with
# the reason; it never passes without having run the jobs.
#
# Runs as root (CI) or through sudo. Environment: PAINTFLOW (the binary; default: built with
# cargo build --release), PAINTFLOW_SLURM_TIMEOUT (seconds the jobs may take, default 300),
# PAINTFLOW_SLURM_KEEP=1 (keep the work folder, printed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
export PATH="$PATH:/usr/sbin:/sbin"
me="tools/slurm/test-cluster.sh"
say() { echo "$me: $*"; }
fail() {
    echo "$me: FAILED: $*" >&2
    exit 1
}
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || fail "not root and no sudo: munged, slurmctld and slurmd must run as root"
    SUDO="sudo"
fi
t0=$(date +%s)

# --- packages -------------------------------------------------------------------------------
need=()
command -v munged >/dev/null || need+=(munge)
command -v slurmctld >/dev/null || need+=(slurmctld)
command -v slurmd >/dev/null || need+=(slurmd)
command -v sbatch >/dev/null || need+=(slurm-client)
command -v python3 >/dev/null || need+=(python3-minimal)
if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || fail "missing ${need[*]} and no apt-get to install them"
    say "installing ${need[*]} with apt-get"
    apt_opts=(-o Acquire::Retries=1 -o Acquire::http::Timeout=30 -qq)
    $SUDO apt-get "${apt_opts[@]}" update || fail "apt-get update failed (no package mirror reachable?)"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${apt_opts[@]}" install -y --no-install-recommends "${need[@]}" \
        >/dev/null || fail "apt-get could not install ${need[*]}"
fi
for c in munged munge unmunge slurmctld slurmd sbatch squeue scontrol scancel sinfo python3; do
    command -v "$c" >/dev/null || fail "$c not found after installing the packages"
done
say "packages ready in $(($(date +%s) - t0)) s: $(slurmctld -V), munge $(munged -V 2>&1 | awk '{print $1}' | sed 's/munge-//')"

# --- paintflow ------------------------------------------------------------------------------
if [ -z "${PAINTFLOW:-}" ]; then
    command -v cargo >/dev/null || fail "cargo not found (or set PAINTFLOW to a paintflow binary)"
    cargo build --release --quiet || fail "cargo build --release failed"
    PAINTFLOW="$repo/target/release/paintflow"
fi
[ -x "$PAINTFLOW" ] || fail "PAINTFLOW=$PAINTFLOW is not an executable"
t1=$(date +%s)
export PAINTFLOW

# --- the cluster ----------------------------------------------------------------------------
work=$(mktemp -d /tmp/paintflow-slurm.XXXXXX)
chmod 755 "$work" # munged wants every folder above its socket searchable by all
pids=()           # daemons started here, killed by id on exit
jobs_submitted=()
status=1
cleanup() {
    set +e
    if [ ${#jobs_submitted[@]} -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then
        scancel "${jobs_submitted[@]}" 2>/dev/null
        for _ in $(seq 20); do
            [ -z "$(squeue -h -j "$(IFS=,; echo "${jobs_submitted[*]}")" 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
    if [ "$status" != 0 ]; then
        for f in "$work"/out/.paintflow-segments/slurm-*.log "$work"/slurm*.out "$work"/slurm*.log "$work"/munged.out; do
            [ -s "$f" ] || continue
            echo "---- $f (last 25 lines)" >&2
            tail -n 25 "$f" >&2
        done
    fi
    # slurmd's job steps (slurmstepd, detached from it) finish on their own once their job
    # ended: wait for their sockets in our spool folder to go
    for _ in $(seq 40); do
        compgen -G "$work/spool/${node:-none}_*" >/dev/null || break
        sleep 0.25
    done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        $SUDO kill "${pids[i]}" 2>/dev/null
    done
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        $SUDO kill -9 "$p" 2>/dev/null
    done
    if [ "${PAINTFLOW_SLURM_KEEP:-}" = 1 ]; then
        say "kept $work"
    else
        $SUDO rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a free local TCP port (nothing answers a connection to it)
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    fail "no free TCP port found"
}

$SUDO mkdir -p "$work/munge" "$work/state" "$work/spool"
$SUDO chmod 700 "$work/munge"
if command -v mungekey >/dev/null; then
    $SUDO mungekey --create --keyfile="$work/munge/munge.key" || fail "mungekey could not create a key"
else
    $SUDO dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
    $SUDO chmod 400 "$work/munge/munge.key"
fi
socket="$work/munge.socket"
$SUDO munged -F --socket="$socket" --key-file="$work/munge/munge.key" --pid-file="$work/munged.pid" \
    --seed-file="$work/munge/seed" >"$work/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 && break
    kill -0 "${pids[0]}" 2>/dev/null || fail "munged exited at once: $(tail -n 3 "$work/munged.out" | tr '\n' ' ')"
    sleep 0.2
done
munge -n -S "$socket" | unmunge -S "$socket" >/dev/null || fail "munged does not answer on $socket"

node=$(hostname -s)
cpus=$(nproc)
ctld_port=$(free_port)
slurmd_port=$(free_port)
[ "$slurmd_port" != "$ctld_port" ] || slurmd_port=$((ctld_port + 1))
export SLURM_CONF="$work/slurm.conf"
$SUDO tee "$SLURM_CONF" >/dev/null <<EOF
ClusterName=paintflow-ci
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
MailProg=/bin/true
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
$SUDO slurmctld -D -c -f "$SLURM_CONF" >>"$work/slurmctld.out" 2>&1 &
pids+=($!)
$SUDO slurmd -D -f "$SLURM_CONF" -N "$node" >>"$work/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 60); do
    kill -0 "${pids[1]}" 2>/dev/null || fail "slurmctld exited: $(grep -i -m 3 -E 'error|fatal' "$work/slurmctld.out" "$work/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
    kill -0 "${pids[2]}" 2>/dev/null || fail "slurmd exited: $(grep -i -m 3 -E 'error|fatal' "$work/slurmd.out" "$work/slurmd.log" 2>/dev/null | tr '\n' ' ')"
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.5
done
[ "$state" = idle ] || fail "node $node is not idle after 30 s (state: '${state:-no answer from slurmctld}')"
say "cluster up: slurmctld :$ctld_port, slurmd :$slurmd_port, node $node ($cpus CPUs) in $(($(date +%s) - t1)) s"

# --- the clip and the jobs ------------------------------------------------------------------
mkdir -p "$work/clip"
python3 - "$work/clip" <<'EOF'
import math, struct, sys, zlib
def png(path, w, h, pixel):
    rows = b"".join(b"\0" + bytes(c for x in range(w) for c in pixel(x, y)) for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
for t in range(12):  # a pattern panning 1 px per frame
    def pixel(x, y):
        v = int(math.sin((x - t) * 0.35) * math.cos(y * 0.3) * 100 + 128)
        return (v, 255 - v, v // 2 + 40)
    png(f"{sys.argv[1]}/{t:04d}.png", 40, 28, pixel)
EOF
frames=12
out="$work/out"
"$PAINTFLOW" video "$work/clip" -o "$out" --size 40 --iters-first 2 --iters 1 --overlap 2 \
    --emit-sbatch 3 --sbatch-gres none --sbatch-arg=--time=10 >"$work/submit.sh" ||
    fail "paintflow video --emit-sbatch 3 failed"
submitted=$(date +%s)
bash "$work/submit.sh" >"$work/submit.out" 2>&1 || fail "submitting failed: $(cat "$work/submit.out")"
cat "$work/submit.out"
read -r keyframes array join < <(sed -n \
    's/.*keyframes job \([0-9]*\).*array job \([0-9]*\).*join job \([0-9]*\).*/\1 \2 \3/p' "$work/submit.out")
[ -n "${keyframes:-}" ] && [ -n "${array:-}" ] && [ -n "${join:-}" ] || fail "no job ids in: $(cat "$work/submit.out")"
jobs_submitted=("$keyframes" "$array" "$join")

timeout=${PAINTFLOW_SLURM_TIMEOUT:-300}
join_state=""
while :; do
    join_state=$(scontrol show job "$join" -o 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
    case "$join_state" in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE) break ;;
    esac
    if (($(date +%s) - submitted > timeout)); then
        squeue >&2 || true
        fail "the jobs did not finish within $timeout s (join job $join: ${join_state:-unknown})"
    fi
    sleep 2
done
elapsed=$(($(date +%s) - submitted))
tasks=$(scontrol show job "$array" -o | sed -n 's/.*ArrayTaskId=\([0-9]*\).*JobState=\([A-Z_]*\).*/\1:\2/p' | sort -n | tr '\n' ' ')
say "array tasks (task:state): $tasks; join: $join_state; ${elapsed} s from submission"
[ "$(echo "$tasks" | grep -o ':COMPLETED' | wc -l)" = 3 ] || fail "not every array task completed: $tasks"
[ "$join_state" = COMPLETED ] || fail "the join job $join ended $join_state"
keyframes_state=$(scontrol show job "$keyframes" -o 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[ "$keyframes_state" = COMPLETED ] || fail "the keyframes job $keyframes ended ${keyframes_state:-unknown}"
from_keyframes=$(grep -l 'starts from keyframe' "$out"/.paintflow-segments/slurm-*_*.log 2>/dev/null | wc -l)
[ "$from_keyframes" = 3 ] || fail "$from_keyframes of the 3 segments started from their keyframe (logs in $out/.paintflow-segments)"

# --- the result -----------------------------------------------------------------------------
missing=()
for ((i = 0; i < frames; i++)); do
    f=$(printf '%s/frame_%06d.png' "$out" "$i")
    [ -s "$f" ] || missing+=("$(basename "$f")")
done
[ ${#missing[@]} = 0 ] || fail "frames missing in $out: ${missing[*]}"
[ ! -e "$(printf '%s/frame_%06d.png' "$out" "$frames")" ] || fail "$out holds more than $frames frames"
[ -s "$out/.paintflow-joined.json" ] || fail "no join record in $out"
seams="$out/.paintflow-seams.json"
[ -s "$seams" ] || fail "the join measured no seams ($seams missing)"
python3 - "$seams" <<'EOF' || fail "the seams record is not as expected"
import json, math, sys
s = json.load(open(sys.argv[1]))
assert len(s["pairs"]) == 11, s["pairs"]
assert [x["frame"] for x in s["seams"]] == [4, 8], s["seams"]
assert all(math.isfinite(x["warping_error"]) for x in s["seams"]), s["seams"]
assert s["median_inside"] is not None and math.isfinite(s["median_inside"]), s
EOF
grep -h -E '^(seam|median)' "$out"/.paintflow-segments/slurm-join-*.log || true
status=0
say "passed: $frames frames from the keyframes job, 3 array tasks and the join in ${elapsed} s; $(($(date +%s) - t0)) s in all"
