"""Compilers and runtimes for languages beyond Python: how to compile and start a program, under which limits,
and which host files each needs inside the sandbox (bound read-only at the same paths; never `--ro-bind / /`).

Found on the host once per process. C and C++ (gcc/g++): the driver, its passes (cc1/cc1plus, collect2,
lto-wrapper and plugin), `as` and `ld`, gcc's own directory (its headers, crt files and libgcc), /usr/include,
the files `ld` reads for a test link (crt1.o, libc.so and the libraries its linker script names, libstdc++ ...),
and every shared library that `ldd` lists for those programs and for the linked test binary. Java: the JDK
tree, the files outside it that its symlinks point at (Debian keeps conf/ in /etc/java-17-openjdk) and the
libraries of the launcher and the JVM. JavaScript: the node binary and its libraries. Go: GOROOT (its
prebuilt standard library in pkg/, which Debian's golang-go 1.19 ships, spares each sample a rebuild of it).
Rust: rustc, its libraries and sysroot (lib/rustlib), C's toolchain (rustc links through gcc) and the files a
test link on the host reads (its `ld -Map`).

Limits differ by language (`Language`): a compiler forks its passes and needs more memory than a test; the JVM
and V8 reserve far more address space than they use, so their heap is capped by their own flag (-Xmx,
--max-old-space-size) at the test's `memory_mb` and the address-space limit gets `extra_address_mb` on top;
both start helper threads, so their process limit is higher. Go's runtime reserves ~650 MB of address space
at start whatever the program does, so its address space also gets `extra_address_mb`, and its memory is capped
instead by RLIMIT_DATA at `memory_mb` (`data_limit`: Go commits heap as private writable mappings, which that
limit counts and its PROT_NONE reservations are not), with GOMEMLIMIT at the same figure so that its collector
works harder before the cap rather than after.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field


class ToolchainMissing(OSError):
    """The compiler or runtime of a language is not installed (an infrastructure error, never the code's)."""


@dataclass(frozen=True)
class Language:
    """How one language is built and run, and its limits beside the test's `timeout_s` and `memory_mb`."""

    name: str
    package: str  # Debian/Ubuntu package that provides the toolchain
    compile_timeout_s: float = 30.0  # wall clock of the compile step (CPU: the next whole second)
    compile_memory_mb: int = 1024  # address space of each compiler process
    compile_nproc: int = 64  # processes + threads while compiling (the driver forks its passes)
    # stack limit while compiling, below the runner's 256 MB: glibc gives each thread a stack of that size, and
    # the go command (linked with cgo) starts threads enough to fill the address space with them
    compile_stack_mb: int | None = None
    extra_address_mb: int = 0  # address space granted beyond memory_mb (runtimes that reserve much)
    nproc: int = 64  # processes + threads of the sandbox while a test runs
    oom_markers: tuple[str, ...] = ()  # stderr text of a failed exit that means "out of memory"
    data_limit: bool = False  # RLIMIT_DATA at memory_mb while the address space gets extra_address_mb (Go)


LANGUAGES = {
    "c": Language("c", "gcc", oom_markers=()),
    "cpp": Language("cpp", "g++", oom_markers=("std::bad_alloc",)),
    "java": Language("java", "default-jdk-headless", compile_memory_mb=2048, compile_nproc=256,
                     extra_address_mb=2048, nproc=256, oom_markers=("java.lang.OutOfMemoryError",)),
    "javascript": Language("javascript", "nodejs", compile_timeout_s=10.0, compile_memory_mb=3072,
                           extra_address_mb=2048, nproc=64,
                           oom_markers=("heap out of memory", "Fatal process out of memory")),
    "go": Language("go", "golang-go", compile_memory_mb=2048, compile_nproc=128, compile_stack_mb=16,
                   extra_address_mb=1024, nproc=64,
                   oom_markers=("runtime: out of memory", "fatal error: out of memory",
                                "runtime: cannot allocate memory"), data_limit=True),
    "rust": Language("rust", "rustc", compile_memory_mb=2048, compile_nproc=128,
                     oom_markers=("memory allocation of",)),
}
WORK = "/sandbox"  # the work dir inside the sandbox (sandbox.bwrap_argv's)
TOOL_PATH = "/usr/bin:/bin:/usr/local/bin"  # where toolchains are looked for (not the caller's PATH: ~/.cargo ...)
# the JDK's desktop libraries (AWT, fonts, sound, images): not needed headless, and they pull in X11 and GTK
_DESKTOP = re.compile(r"/lib(awt|jawt|fontmanager|lcms|mlib_image|splashscreen|jsound|javajpeg|atk-wrapper)[^/]*$")
_JVM_FLAGS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto",
              "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=64m")


@dataclass(frozen=True)
class Toolchain:
    """A found toolchain: `binds` are host paths to bind read-only, `env` the environment of its processes."""

    language: Language
    binds: tuple[str, ...]
    tools: dict[str, str] = field(default_factory=dict)  # role -> path inside the sandbox
    env: tuple[tuple[str, str], ...] = ()
    symlinks: tuple[tuple[str, str], ...] = ()  # (target, path) made in the sandbox

    def source_name(self, code: str) -> str:
        """The program's file name in the work dir (Java: its public class names the file)."""
        name = self.language.name
        if name == "java":
            public = re.search(r"\bpublic\s+(?:(?:final|abstract|strictfp)\s+)*class\s+([A-Za-z_$][\w$]*)", code)
            return f"{public.group(1) if public else 'Main'}.java"
        return {"c": "prog.c", "cpp": "prog.cpp", "javascript": "prog.js", "go": "prog.go", "rust": "prog.rs"}[name]

    def compile_argv(self, source: str) -> list[str]:
        name, tool = self.language.name, self.tools
        if name == "cpp":
            return [tool["cc"], "-std=c++17", "-O2", "-pipe", "-o", "prog", source]
        if name == "c":
            return [tool["cc"], "-std=gnu17", "-O2", "-pipe", "-o", "prog", source, "-lm"]
        if name == "java":
            memory = f"-J-Xmx{self.language.compile_memory_mb // 4}m"
            return [tool["javac"], *(f"-J{flag}" for flag in _JVM_FLAGS), memory, "-encoding", "UTF-8",
                    "-d", WORK, source]
        if name == "go":
            return [tool["go"], "build", "-o", "prog", source]
        if name == "rust":
            return [tool["rustc"], "--edition", "2021", "-O", "--sysroot", tool["sysroot"], "-C",
                    f"linker={tool['cc']}", "-o", "prog", source]
        return [tool["node"], "--check", source]  # a syntax error is the script's "compile error"

    def run_argv(self, source: str, code: str, memory_mb: int) -> list[str]:
        name, tool = self.language.name, self.tools
        if name in ("c", "cpp", "go", "rust"):
            return [f"{WORK}/prog"]
        if name == "java":
            return [tool["java"], *_JVM_FLAGS, f"-Xmx{memory_mb}m", "-cp", WORK, _java_main(code, source)]
        return [tool["node"], f"--max-old-space-size={memory_mb}", source]

    def run_env(self, memory_mb: int) -> dict[str, str]:
        """Environment of each test beside `env` (Go: its collector's soft limit at the test's memory)."""
        return {"GOMEMLIMIT": f"{memory_mb}MiB"} if self.language.name == "go" else {}


def _java_main(code: str, source: str) -> str:
    """The class with `static void main`: the file's public class, else the first class declaring main."""
    public = source.removesuffix(".java")
    classes = list(re.finditer(r"\bclass\s+([A-Za-z_$][\w$]*)", code))
    mains = [m.start() for m in re.finditer(r"\bstatic\s+(?:final\s+)?void\s+main\s*\(", code)]
    owners = [next((c.group(1) for c in reversed(classes) if c.start() < at), public) for at in mains]
    return public if public in owners or not owners else owners[0]


def find(language: str) -> Toolchain:
    """The toolchain of `language` (a key of LANGUAGES). Raises ToolchainMissing naming the package to install."""
    return _find(language)


@functools.lru_cache(maxsize=8)
def _find(language: str) -> Toolchain:
    spec = LANGUAGES[language]
    finders = {"c": _gcc, "cpp": _gcc, "java": _jdk, "javascript": _node, "go": _go, "rust": _rust}
    return finders[language](spec)


def _missing(spec: Language, what: str) -> ToolchainMissing:
    return ToolchainMissing(f"{what} for {spec.name} is not installed: apt-get install {spec.package}")


def _shared_libraries(objects: list[str]) -> set[str]:
    """Every shared library `ldd` lists for these executables and libraries (absolute paths that exist)."""
    found = subprocess.run(["ldd", *objects], capture_output=True, text=True, check=False).stdout
    return {word for line in found.splitlines() for word in line.split() if word.startswith("/") and ".so" in word
            and not word.endswith(":") and os.path.exists(word)}


def _gcc(spec: Language) -> Toolchain:
    driver = shutil.which("g++" if spec.name == "cpp" else "gcc", path=TOOL_PATH)
    if driver is None:
        raise _missing(spec, "the compiler (g++)" if spec.name == "cpp" else "the compiler (gcc)")

    def ask(flag: str) -> str:
        return subprocess.run([driver, flag], capture_output=True, text=True, check=False).stdout.strip()

    passes = os.path.dirname(ask("-print-prog-name=cc1plus" if spec.name == "cpp" else "-print-prog-name=cc1"))
    gcc_dir = os.path.dirname(ask("-print-libgcc-file-name"))
    tools = [driver, *(shutil.which(ask(f"-print-prog-name={t}")) or "" for t in ("as", "ld"))]
    if not all(tools) or not os.path.isdir(passes):
        raise _missing(spec, "the assembler and linker (binutils)" if os.path.isdir(passes) else "cc1/cc1plus")
    executables = [p for p in glob.glob(os.path.join(passes, "*")) if os.access(p, os.X_OK) and os.path.isfile(p)]
    binds = {*tools, *(os.path.realpath(t) for t in tools), passes, gcc_dir, "/usr/include", *_test_link(driver, spec)}
    binds |= _shared_libraries([*tools, *(os.path.realpath(t) for t in tools), *executables])
    return Toolchain(spec, _existing(binds), {"cc": driver})


def _test_link(driver: str, spec: Language) -> set[str]:
    """The files a link reads (crt files, linker scripts and the libraries they name, from `ld --trace`) and the
    shared libraries of the binary, for a small program compiled and linked on the host."""
    source = '#include <stdio.h>\n#include <math.h>\nint main(void){printf("%f\\n", sqrt(2.0));return 0;}\n'
    if spec.name == "cpp":
        source = "#include <bits/stdc++.h>\nint main(){std::vector<int> v{1};std::cout<<v[0]<<std::endl;}\n"
    return _host_link(source, "probe.cpp" if spec.name == "cpp" else "probe.c",
                      lambda path: [driver, "-O2", "-o", "probe", path, "-lm", "-Wl,--trace"])


def _host_link(source: str, name: str, argv: Callable[[str], list[str]]) -> set[str]:
    """Build `source` (saved as `name`) with `argv(path)` in a scratch folder whose output is `probe`: the host
    paths that its output, its stderr and a `map` file written there name, and the shared libraries of `probe`."""
    with tempfile.TemporaryDirectory(prefix="rewardkit-toolchain-") as folder:
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
        done = subprocess.run(argv(path), capture_output=True, text=True, check=False, cwd=folder)
        text = done.stdout + done.stderr
        if os.path.exists(os.path.join(folder, "map")):
            with open(os.path.join(folder, "map"), encoding="utf-8", errors="replace") as handle:
                text += handle.read()
        files = {os.path.abspath(word) for line in text.splitlines()
                 for word in line.replace("(", " ").replace(")", " ").split()
                 if word.startswith("/") and not word.startswith(folder) and os.path.exists(word)}
        program = os.path.join(folder, "probe")
        if done.returncode == 0 and os.path.exists(program):
            files |= _shared_libraries([program])
        return files


def _jdk(spec: Language) -> Toolchain:
    javac = shutil.which("javac", path=TOOL_PATH)
    java = shutil.which("java", path=TOOL_PATH)
    if javac is None or java is None:
        raise _missing(spec, "the JDK (javac and java)")
    home = os.path.dirname(os.path.dirname(os.path.realpath(javac)))
    java_bin = os.path.join(home, "bin", "java")
    if not os.path.exists(java_bin):
        raise _missing(spec, f"java beside {os.path.realpath(javac)}")
    binds = {home}
    libraries = [java_bin, os.path.join(home, "bin", "javac"), *glob.glob(os.path.join(home, "lib", "*", "libjvm.so")),
                 *(p for p in glob.glob(os.path.join(home, "lib", "*.so")) if not _DESKTOP.search(p))]
    binds |= _shared_libraries(libraries)
    # without /proc, ld.so cannot resolve the launcher's $ORIGIN rpath to find libjli.so
    env = (("LD_LIBRARY_PATH", os.path.join(home, "lib")),)
    return Toolchain(spec, _existing(binds), {"javac": os.path.join(home, "bin", "javac"), "java": java_bin}, env)


def _node(spec: Language) -> Toolchain:
    node = shutil.which("node", path=TOOL_PATH) or shutil.which("nodejs", path="/usr/bin")
    if node is None:
        raise _missing(spec, "node")
    real = os.path.realpath(node)
    return Toolchain(spec, _existing({real, *_shared_libraries([real])}), {"node": real})


def _go(spec: Language) -> Toolchain:
    go = shutil.which("go", path=TOOL_PATH)
    if go is None:
        raise _missing(spec, "the go command")
    real = os.path.realpath(go)
    asked = subprocess.run([real, "env", "GOROOT"], capture_output=True, text=True, check=False,
                           env={"PATH": TOOL_PATH, "GOENV": "off", "GO111MODULE": "off"})
    goroot = asked.stdout.strip()
    if asked.returncode != 0 or not os.path.isdir(os.path.join(goroot, "pkg", "tool")):
        raise _missing(spec, f"GOROOT of {real} ({goroot or asked.stderr.strip()[:200]})")
    # GOPATH mode (no modules: nothing to fetch), no cgo (a static binary, no C toolchain), the caches in the
    # work dir (the only writable place with room), a fixed thread count for the compiler and the program
    env = {"GOROOT": goroot, "GOCACHE": f"{WORK}/.gocache", "GOPATH": f"{WORK}/.gopath", "GOTMPDIR": WORK,
           "GO111MODULE": "off", "GOENV": "off", "GOFLAGS": "", "GOPROXY": "off", "GOTOOLCHAIN": "local",
           "GOTELEMETRY": "off", "CGO_ENABLED": "0", "GOMAXPROCS": "2"}
    return Toolchain(spec, _existing({goroot, real, *_shared_libraries([real])}), {"go": real},
                     tuple(env.items()))


def _rust(spec: Language) -> Toolchain:
    rustc = shutil.which("rustc", path=TOOL_PATH)
    if rustc is None:
        raise _missing(spec, "the compiler (rustc)")
    sysroot = subprocess.run([rustc, "--print", "sysroot"], capture_output=True, text=True,
                             check=False).stdout.strip()
    rustlib = os.path.join(sysroot, "lib", "rustlib")
    if not os.path.isabs(sysroot) or not os.path.isdir(rustlib):
        raise _missing(spec, f"the standard library ({rustlib or 'no sysroot'})")
    try:
        linker = _find("c")  # rustc links through the C compiler driver
    except ToolchainMissing as exc:
        raise ToolchainMissing(f"rustc links with gcc: {exc}") from exc
    cc = linker.tools["cc"]
    linked = _host_link("fn main() { println!(\"{}\", (2.0f64).sqrt()); }\n", "probe.rs", lambda path: [
        rustc, "--edition", "2021", "-O", "-C", f"linker={cc}", "-C", "link-arg=-Wl,-Map=map", "-o", "probe", path])
    binds = {*linker.binds, rustc, os.path.realpath(rustc), rustlib, *linked,
             *_shared_libraries([os.path.realpath(rustc)])}
    # rustc 1.63 finds its sysroot (translations, even with --sysroot) from /proc/self/exe, and the sandbox has no
    # /proc: a plain symlink at that path stands in for the kernel's (the only entry of an otherwise empty /proc)
    return Toolchain(spec, _existing(binds), {"rustc": rustc, "sysroot": sysroot, "cc": cc},
                     symlinks=((os.path.realpath(rustc), "/proc/self/exe"),))


def _links_out(directory: str) -> set[str]:
    """Where the symlinks of a bound directory point outside it (Debian's JDK keeps conf/ in /etc; gcc's
    libstdc++.so points into /usr/lib/<triplet>): bound too, or they would dangle inside the sandbox."""
    found = set()
    for root, dirs, files in os.walk(directory):
        for name in (*files, *dirs):
            path = os.path.join(root, name)
            if os.path.islink(path):
                target = os.path.normpath(os.path.join(root, os.readlink(path)))
                if not target.startswith(directory + os.sep) and os.path.exists(target):
                    found.add(target)
    return found


def _existing(paths: set[str]) -> tuple[str, ...]:
    """Sorted, existing, with the link targets of directories added, and without paths that a bound directory
    already holds."""
    kept = {p for p in paths if p and os.path.exists(p)}
    folders = [p for p in kept if os.path.isdir(p) and not os.path.islink(p)]
    for folder in folders:
        kept |= _links_out(folder)
    return tuple(sorted(p for p in kept if not any(p != d and p.startswith(d + os.sep) for d in folders)))
