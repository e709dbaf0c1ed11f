#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (Debian slurm-wlm + munge, no accounting database) for the Slurm
# tests (tests/Pester/Slurm.Tests.ps1). Needs root. Idempotent: packages, the munge key and slurm.conf are made only
# when missing or different, daemons that run already are kept. On failure it prints why and exits non-zero; the
# caller (.ci/run) goes on, and the Slurm tests then fail under CI=true (skip with the reason elsewhere).
#   .ci/start-slurm.sh          start (≈ 20 s)
#   .ci/start-slurm.sh --stop   stop the daemons this script starts (slurmctld, slurmd, munged)
set -uo pipefail

log() { echo "start-slurm: $*"; }
fail() { echo "start-slurm: FAILED: $*" >&2; exit 1; }

stop_daemon() {
    local name=$1 pidfile=$2
    if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        local pid
        pid=$(cat "$pidfile")
        kill "$pid" && log "stopped $name ($pid)"
    fi
}

if [[ ${1:-} == --stop ]]; then
    stop_daemon slurmd /run/slurmd.pid
    stop_daemon slurmctld /run/slurmctld.pid
    stop_daemon munged /run/munge/munged.pid
    exit 0
fi

[[ $(id -u) -eq 0 ]] || fail "needs root (it installs packages and starts daemons)"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
    log "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null; } || fail "apt-get install slurm-wlm munge did not succeed"
fi

host=$(hostname -s)
cpus=$(nproc)
# Leave the machine some memory: Slurm only needs a figure at or below what the node reports.
mem_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)

# munge: the authentication every Slurm daemon and client uses.
mkdir -p /run/munge /etc/munge /var/lib/munge /var/log/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none || fail "could not write /etc/munge/munge.key"
fi
chown munge:munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge /etc/munge 2>/dev/null || fail "no munge user (is the munge package installed?)"
chmod 400 /etc/munge/munge.key
chmod 700 /etc/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- munged || fail "munged did not start"
    for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n | unmunge >/dev/null 2>&1 || fail "munged runs but a credential does not decode"
fi
log "munge works"

mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
conf=$(cat <<EOF
# Written by .ci/start-slurm.sh: a one-node cluster on localhost for tests, no accounting.
ClusterName=prox-ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MaxArraySize=10001
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Default=YES Nodes=ALL MaxTime=INFINITE State=UP
EOF
)
restart=0
if [[ ! -f /etc/slurm/slurm.conf ]] || [[ "$(cat /etc/slurm/slurm.conf)" != "$conf" ]]; then
    printf '%s\n' "$conf" > /etc/slurm/slurm.conf
    restart=1
fi

if [[ $restart -eq 1 ]]; then
    stop_daemon slurmd /run/slurmd.pid
    stop_daemon slurmctld /run/slurmctld.pid
    sleep 1
fi
if ! { [[ -f /run/slurmctld.pid ]] && kill -0 "$(cat /run/slurmctld.pid)" 2>/dev/null; }; then
    slurmctld || fail "slurmctld did not start: $(tail -n 5 /var/log/slurm/slurmctld.log 2>/dev/null)"
fi
if ! { [[ -f /run/slurmd.pid ]] && kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; }; then
    slurmd || fail "slurmd did not start: $(tail -n 5 /var/log/slurm/slurmd.log 2>/dev/null)"
fi

# Wait until the node takes jobs.
for i in $(seq 1 60); do
    state=$(sinfo -h -N -n "$host" -o '%t' 2>/dev/null | head -n 1)
    case $state in
        idle|mix|alloc) log "node $host is $state after ${i}s"; exit 0 ;;
        down*|drain*|fail*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 ;;
    esac
    sleep 1
done
fail "node $host did not become idle in 60 s (state '${state:-none}'): $(sinfo 2>&1 | tail -n 3); slurmctld: $(tail -n 3 /var/log/slurm/slurmctld.log 2>/dev/null); slurmd: $(tail -n 3 /var/log/slurm/slurmd.log 2>/dev/null)"
