"""Seccomp filters for the code sandbox, compiled on the host with pyseccomp into raw BPF bytes.

Two layers. The *sandbox* filter is handed to bubblewrap (`--seccomp FD`) and binds the runner and every test
process: no ptrace, mounts, namespaces, kernel modules, keyrings, bpf, io_uring, uid changes, or sockets other
than AF_UNIX. The *child* filter is installed by the runner in each forked test process on top of it: no new
processes (only threads), no exec, no SysV IPC objects or POSIX message queues, no signals to process groups or
to every process (`kill(-1)`), no changing another process's rlimits or scheduling.
"""

from __future__ import annotations

import errno
import functools
import os
import socket
import tempfile
import termios

from rewardkit.errors import ConfigError

_CLONE_NAMESPACES = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
_CLONE_THREAD = 0x00010000
_INT_MASK = 0xFFFFFFFF  # int arguments: compare only the low 32 bits (the ABI leaves the rest undefined)

_DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "move_mount", "open_tree", "fsopen",
    "fsmount", "fsconfig", "fspick", "mount_setattr", "open_by_handle_at", "name_to_handle_at",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon",
    "swapoff", "syslog", "acct", "quotactl", "lookup_dcookie", "fanotify_init", "perf_event_open", "bpf",
    "userfaultfd", "keyctl", "add_key", "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups",
    "capset", "personality", "vhangup", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
)

# SysV IPC objects and POSIX message queues outlive the process that made them (in the sandbox's IPC namespace),
# so a sample could leave one for the next sample of a reused sandbox; the standard library uses neither
_IPC_OBJECTS = ("shmget", "semget", "msgget", "mq_open")


def _pyseccomp():
    try:
        import pyseccomp
    except ImportError as exc:  # pragma: no cover - the code extra ships it
        raise ConfigError("the code sandbox needs pyseccomp (pip install 'rewardkit[code]')", "isolation") from exc
    return pyseccomp


def _export(flt) -> bytes:
    with tempfile.TemporaryFile() as handle:
        flt.export_bpf(handle)
        handle.seek(0)
        return handle.read()


@functools.lru_cache(maxsize=1)
def sandbox_filter() -> bytes:
    """BPF for the whole sandbox (runner and tests)."""
    sc = _pyseccomp()
    flt = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in _DENIED:
        flt.add_rule(sc.ERRNO(errno.EPERM), name)
    for flag in _CLONE_NAMESPACES:
        flt.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")  # flags live in memory seccomp cannot read; libc falls back
    flt.add_rule(sc.ERRNO(errno.EACCES), "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
    flt.add_rule(sc.ERRNO(errno.EPERM), "ioctl", sc.Arg(1, sc.MASKED_EQ, _INT_MASK, termios.TIOCSTI))
    return _export(flt)


@functools.lru_cache(maxsize=1)
def child_filter() -> bytes:
    """BPF stacked on each test process: threads yes, processes and exec no, no group or broadcast kill."""
    sc = _pyseccomp()
    flt = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in ("fork", "vfork", "execve", "execveat", *_IPC_OBJECTS):
        flt.add_rule(sc.ERRNO(errno.EPERM), name)
    _no_processes(sc, flt)
    _no_foreign_control(sc, flt)
    return _export(flt)


@functools.lru_cache(maxsize=2)
def exec_filter(fork: bool) -> bytes:
    """BPF stacked on a compiled-language process (see runtime/compiled.py), which the runner starts by exec, so
    exec stays allowed (only the toolchain and the program are in the sandbox to exec). `fork`: a compiler, whose
    driver forks and execs its passes (cc1plus, as, ld); a program gets threads only (the JVM and node need
    them). Both keep the child filter's bans on group and broadcast kills and on other processes' rlimits."""
    sc = _pyseccomp()
    flt = sc.SyscallFilter(defaction=sc.ALLOW)
    if not fork:
        for name in ("fork", "vfork"):
            flt.add_rule(sc.ERRNO(errno.EPERM), name)
        _no_processes(sc, flt)
    _no_foreign_control(sc, flt)
    return _export(flt)


def _no_processes(sc, flt) -> None:
    """clone without CLONE_THREAD (a new process) is refused; clone3 falls back to clone in libc."""
    flt.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, _CLONE_THREAD, 0))
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")


def _no_foreign_control(sc, flt) -> None:
    # another process's limits (the runner's, same uid): lowered hard limits would make the next test's setup
    # fail, turning the sample into an infra_error (None) instead of its score; pid 0 (its own) stays allowed
    flt.add_rule(sc.ERRNO(errno.EPERM), "prlimit64", sc.Arg(0, sc.NE, 0))
    # another process's scheduling (the runner's nice, policy, CPU affinity, I/O priority): the runner's forks
    # inherit it, so a sample could slow the next one into timeouts; pid 0 (its own) stays allowed
    for name in ("sched_setscheduler", "sched_setparam", "sched_setaffinity", "sched_setattr"):
        flt.add_rule(sc.ERRNO(errno.EPERM), name, sc.Arg(0, sc.NE, 0))
    flt.add_rule(sc.ERRNO(errno.EPERM), "setpriority", sc.Arg(0, sc.NE, 0))  # PRIO_PROCESS only (not group, user)
    flt.add_rule(sc.ERRNO(errno.EPERM), "setpriority", sc.Arg(1, sc.NE, 0))
    flt.add_rule(sc.ERRNO(errno.EPERM), "ioprio_set", sc.Arg(0, sc.NE, 1))  # IOPRIO_WHO_PROCESS only
    flt.add_rule(sc.ERRNO(errno.EPERM), "ioprio_set", sc.Arg(1, sc.NE, 0))
    for name in ("kill", "tgkill", "pidfd_send_signal", "rt_sigqueueinfo"):
        # pid <= 0 means a process group or every process: never the test's own business
        flt.add_rule(sc.ERRNO(errno.EPERM), name, sc.Arg(0, sc.MASKED_EQ, 0x80000000, 0x80000000))
        flt.add_rule(sc.ERRNO(errno.EPERM), name, sc.Arg(0, sc.MASKED_EQ, _INT_MASK, 0))


def memfd_with(data: bytes, name: str = "rk-seccomp") -> int:
    """An fd holding `data` at offset 0 (bubblewrap reads its filter from an fd)."""
    fd = os.memfd_create(name, 0)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
