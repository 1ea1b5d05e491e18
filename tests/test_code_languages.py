"""Languages beyond Python: C, C++, Java, JavaScript, Go and Rust stdio tests, compile errors, language names,
and the hostile suite's escapes repeated in C++, Go and Rust (contained, the host unchanged, nothing left
running). CI installs the C, C++ and JavaScript toolchains (.ci/run); each test skips where its toolchain is
absent (Java, Go and Rust are tested where installed)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import sandbox_pids

from rewardkit.registry import get
from rewardkit.runtime import toolchains
from rewardkit.runtime.sandbox import bwrap_path
from rewardkit.scorers.code.languages import fence_language, language_block, normalize, sample_language

REPO = Path(__file__).resolve().parents[1]
TESTS = {"inputs": ["1 2\n", "5 7\n", "2000000000 2000000000\n"], "outputs": ["3\n", "12\n", "4000000000\n"]}
needs_bwrap = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed (apt-get install bubblewrap)")


def needs(tool: str, package: str):
    """Skip unless `tool` is where the toolchains are looked for (not ~/.cargo/bin or another PATH entry)."""
    return pytest.mark.skipif(shutil.which(tool, path=toolchains.TOOL_PATH) is None,
                              reason=f"{tool} not installed (apt-get install {package})")


needs_gpp, needs_gcc = needs("g++", "g++"), needs("gcc", "gcc")
needs_java, needs_node = needs("javac", "default-jdk-headless"), needs("node", "nodejs")
needs_go, needs_rust = needs("go", "golang-go"), needs("rustc", "rustc")

CPP_SUM = "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<std::endl;}"
GO_SUM = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tvar a, b int64\n\tfmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}'
RUST_SUM = ("use std::io::Read;\nfn main() {\n    let mut s = String::new();\n"
            "    std::io::stdin().read_to_string(&mut s).unwrap();\n"
            "    let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();\n"
            "    println!(\"{}\", v[0] + v[1]);\n}")
SUMS = {"cpp": CPP_SUM, "go": GO_SUM, "rust": RUST_SUM}
PROGRAMS = {  # (language tag, program) -> expected value on TESTS
    ("cpp", CPP_SUM): 1.0,
    ("c++", "#include <bits/stdc++.h>\nusing namespace std;\nint main(){ios::sync_with_stdio(false);"
            "long long a,b;cin>>a>>b;vector<long long> v{a,b};cout<<accumulate(v.begin(),v.end(),0LL)<<'\\n';}"): 1.0,
    ("cpp", "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a+b<<std::endl;}"): 2 / 3,  # overflow
    ("cpp", "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a-b<<std::endl;}"): 0.0,
    ("cpp", "#include <cstdio>\nint main(){std::puts(\"3\");return 1;}"): 0.0,  # right once, but a failed exit
    ("c", '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}'): 1.0,
    ("java", "import java.util.*;\npublic class Main{public static void main(String[] x){Scanner s=new Scanner("
             "System.in);System.out.println(s.nextLong()+s.nextLong());}}"): 1.0,
    ("java", "import java.io.*;\nclass Helper{static long add(long a,long b){return a+b;}}\npublic class Sum{"
             "public static void main(String[] x) throws IOException{String[] p=new BufferedReader(new "
             "InputStreamReader(System.in)).readLine().trim().split(\" \");System.out.println(Helper.add("
             "Long.parseLong(p[0]),Long.parseLong(p[1])));}}"): 1.0,  # public class Sum names the file
    ("java", "class Main{public static void main(String[] x){System.out.println(3);}}"): 1 / 3,
    ("js", "const [a,b]=require('fs').readFileSync(0,'utf8').trim().split(/\\s+/).map(BigInt);"
           "console.log(String(a+b));"): 1.0,
    ("javascript", "const [a,b]=require('fs').readFileSync(0,'utf8').trim().split(/\\s+/).map(Number);"
                   "console.log(a*b);"): 0.0,
    ("go", GO_SUM): 1.0,
    ("golang", "package main\nimport (\"bufio\"; \"fmt\"; \"os\")\nfunc main() {\n\tr := bufio.NewReader(os.Stdin)\n"
               "\tvar a, b int32\n\tfmt.Fscan(r, &a, &b)\n\tfmt.Println(a + b)\n}"): 2 / 3,  # int32 wraps
    ("go", GO_SUM.replace("a + b", "a - b")): 0.0,
    ("go", 'package main\nimport ("fmt"; "os")\nfunc main() { fmt.Println(3); os.Exit(1) }'): 0.0,  # failed exit
    ("rust", RUST_SUM): 1.0,
    ("rs", RUST_SUM.replace("i64", "i32")): 2 / 3,  # -O: the i32 sum wraps (no overflow check)
    ("rust", RUST_SUM.replace("v[0] + v[1]", "v[0] * v[1]")): 0.0,
    ("rust", "fn main() { let v: Vec<i64> = Vec::new(); println!(\"{}\", v[1]); }"): 0.0,  # a panic
}
TOOL = {"cpp": needs_gpp, "c++": needs_gpp, "c": needs_gcc, "java": needs_java, "js": needs_node,
        "javascript": needs_node, "go": needs_go, "golang": needs_go, "rust": needs_rust, "rs": needs_rust}


@pytest.fixture(scope="module")
def scorer():
    code = get("code")(language="auto", timeout_s=2.0, memory_mb=256, workers=1)
    yield code
    code.close()


def fenced(tag: str, program: str) -> str:
    return f"Here is my solution.\n```{tag}\n{program}\n```"


@needs_bwrap
@pytest.mark.parametrize(("tag", "program"), [pytest.param(*key, marks=TOOL[key[0]]) for key in PROGRAMS])
def test_stdio_programs_are_judged_like_python(scorer, tag, program):
    score = scorer.score({"completion": fenced(tag, program), "tests": TESTS})
    assert score.status.value == "ok", score
    assert score.value == pytest.approx(PROGRAMS[(tag, program)]), score.details


COMPILE_ERRORS = [
    ("cpp", "int main(){ return undeclared; }", "'undeclared' was not declared", needs_gpp),
    ("cpp", "#include <iostream>\nint main(){ std::cout << 1 }", "expected ';'", needs_gpp),
    ("c", "int main(void){ return f(; }", "error", needs_gcc),
    ("java", "public class Main{public static void main(String[] a){int x = \"s\";}}", "incompatible types",
     needs_java),
    ("js", "console.log((;", "SyntaxError", needs_node),
    ("go", "package main\nfunc main() { return undeclared }", "undefined: undeclared", needs_go),
    ("go", 'package main\nimport "fmt"\nfunc main() { x := 1 }', "x declared but not used", needs_go),
    ("go", 'package main\nimport "github.com/x/y"\nfunc main() { y.Z() }', "cannot find package", needs_go),
    ("rust", "fn main() { println!(\"{}\", undeclared); }", "cannot find value `undeclared`", needs_rust),
    ("rust", "fn main() { let x: i32 = \"s\"; }", "mismatched types", needs_rust),
    ("rs", "fn main() { let v = vec![1]; let w = v; println!(\"{:?}\", v); }", "borrow of moved value", needs_rust),
]


@needs_bwrap
@pytest.mark.parametrize(("tag", "program", "message"),
                         [pytest.param(*row[:3], marks=row[3]) for row in COMPILE_ERRORS])
def test_compile_errors_score_zero_with_the_message(scorer, tag, program, message):
    score = scorer.score({"completion": fenced(tag, program), "tests": TESTS})
    assert score.value == 0.0 and score.status.value == "ok", score
    assert score.reason.startswith("compile error") and message in score.reason, score.reason
    assert score.details["compile"]["status"] != "ok"


@needs_bwrap
@pytest.mark.parametrize(("declared", "tag", "alias"), [
    pytest.param("cpp", "cpp", "c++", marks=needs_gpp), pytest.param("go", "golang", "golang", marks=needs_go),
    pytest.param("rust", "rs", "rs", marks=needs_rust)])
def test_open_r1_verification_info_language_picks_the_language(declared, tag, alias):
    """open-r1's rows (and SandboxFusion's) declare their language; the default scorer refuses them, `auto` and
    the language's own names run them."""
    info = {"language": declared, "test_cases": [{"input": "2 3\n", "output": "5\n", "type": "stdin_stdout"}]}
    sample = {"completion": fenced(tag, SUMS[declared]), "verification_info": info}
    python_only = get("code")(workers=1)
    assert python_only.score(sample).status.value == "invalid_input"
    for language in ("auto", alias):
        code = get("code")(language=language, workers=1)
        assert code.score(sample).value == 1.0
        code.close()


@needs_bwrap
@needs_gpp
def test_fixed_language_takes_its_own_block_and_refuses_call_tests(scorer):
    mixed = fenced("python", "print(3)") + "\n" + fenced("cpp", CPP_SUM) + "\n" + fenced("python", "print(4)")
    cpp = get("code")(language="cpp", workers=1)
    assert cpp.score({"completion": mixed, "tests": TESTS}).value == 1.0
    call = cpp.score({"completion": fenced("cpp", CPP_SUM), "tests": {"inputs": [[1]], "outputs": [1]},
                      "fn_name": "f"})
    assert call.value is None and call.status.value == "invalid_input"
    assert cpp.score({"completion": mixed.replace("cpp", "java"), "tests": TESTS}).value == 0.0  # no C++ block
    cpp.close()


@needs_bwrap
@pytest.mark.parametrize(("language", "tools", "program", "package"), [
    ("javascript", ("node", "nodejs"), "console.log(3)", "nodejs"),
    ("go", ("go",), GO_SUM, "golang-go"),
    ("rust", ("rustc",), RUST_SUM, "rustc"),
    ("rust", ("gcc",), RUST_SUM, "gcc"),  # rustc links through gcc
])
def test_missing_toolchain_is_an_infra_error_naming_the_package(monkeypatch, language, tools, program, package):
    toolchains._find.cache_clear()
    real = shutil.which
    monkeypatch.setattr(toolchains.shutil, "which", lambda name, **k: None if name in tools else real(name, **k))
    code = get("code")(language=language, workers=1)
    try:
        score = code.score({"completion": fenced(language, program), "tests": TESTS})
    finally:
        code.close()
        toolchains._find.cache_clear()
    assert score.value is None and score.status.value == "infra_error", score
    assert f"apt-get install {package}" in score.reason


@pytest.mark.parametrize(("name", "expected"), [
    ("cpp", "cpp"), ("C++", "cpp"), ("cxx", "cpp"), ("c", "c"), ("java", "java"), ("nodejs", "javascript"),
    ("js", "javascript"), ("python3", "python"), ("go", "go"), ("golang", "go"), ("Go", "go"), ("rust", "rust"),
    ("rs", "rust"), ("cobol", None), (None, None),
])
def test_language_names(name, expected):
    """Fence tags, open-r1's and SandboxFusion's names (cpp, java, nodejs, go, rust) map onto one name each."""
    assert normalize(name) == expected


def test_auto_language_comes_from_the_tests_then_the_last_known_fence():
    text = "```text\nnotes\n```\n```cpp\nint main(){}\n```\n```\nuntagged\n```"
    assert fence_language(text) == "cpp"
    assert sample_language("auto", None, text) == "cpp"
    assert sample_language("auto", "java", text) == "java"
    assert sample_language("auto", None, "no code") == "python"
    assert sample_language("python", None, text) == "python"


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("```golang\nA\n```\n```python\nB\n```", "go", "A"),  # any name of the language counts as its tag
    ("```c++17\nA\n```\n```cpp\nB\n```", "cpp", "B"),  # the last of them
    ("```rs\nA\n```", "rust", "A"),
    ("```py3\nA\n```", "python", "A"),
    ("```\nA\n```\n```go\nB\n```", "rust", "A"),  # untagged only when no block of the language
    ("```\nA\n```\n```rust\nB\n```", "rust", "B"),
    ("```go\nA\n```", "rust", None),
])
def test_the_program_is_the_last_block_tagged_with_any_name_of_its_language(text, language, expected):
    assert language_block(text, language) == expected


def test_bad_language_is_a_config_error():
    from rewardkit.errors import ConfigError
    with pytest.raises(ConfigError, match="language"):
        get("code")(language="cobol")
    with pytest.raises(ConfigError, match="language"):
        get("code")(language="cpp", isolation="local")


# --- the hostile suite, in C++ -------------------------------------------------------------------------------

def assert_contained_and_serving(scorer, language: str = "cpp") -> None:
    scorer.close()
    deadline = time.monotonic() + 3
    while sandbox_pids() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sandbox_pids() == set(), "processes outlived the sandbox"
    assert scorer.score({"completion": fenced(language, SUMS[language]), "tests": TESTS}).value == 1.0


CPP_HEADER = """#include <bits/stdc++.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <dirent.h>
using namespace std;
"""
# Programs that print 'contained' exactly when every attempt was stopped: a pass proves containment.
CPP_PROBES = {
    "writes_outside_workdir": """
        int main(){ bool ok = true; string bad;
          for (string p : {MARKER, HOSTDIR + "/new.txt", string("/etc/rk"), string("/rk"), string("/usr/rk"),
                           string("/runner.py"), string("/exec_runner.py"), string("/dev/rk"),
                           string("/usr/include/rk.h")}) {
            int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) { ok = false; bad = p; write(fd, "pwned", 5); close(fd); } }
          cout << (ok ? "contained" : "escaped " + bad) << endl; }""",
    "reads_of_host_files_and_proc": """
        int main(){ bool ok = true; string bad;
          for (string p : {string("/etc/passwd"), string("/etc/shadow"), REPO + "/pyproject.toml",
                           string("/proc/1/environ"), string("/proc/self/environ"), string("/proc/self/maps"),
                           string("/proc/1/cmdline"), string("/etc/hostname"), MARKER}) {
            int fd = open(p.c_str(), O_RDONLY);
            if (fd >= 0) { ok = false; bad = p; close(fd); } }
          for (string d : {string("/proc"), string("/work"), string("/home"), string("/root")}) {
            DIR* dir = opendir(d.c_str());
            if (dir) { int n = 0; while (readdir(dir)) n++; closedir(dir); if (n > 2) { ok = false; bad = d; } } }
          cout << (ok ? "contained" : "escaped " + bad) << endl; }""",
    "network": """
        int main(){ bool ok = true; string bad;
          int s = socket(AF_INET, SOCK_STREAM, 0);
          if (s >= 0) { sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(PORT);
            inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
            if (connect(s, (sockaddr*)&a, sizeof a) == 0) { ok = false; bad = "loopback"; } close(s); }
          s = socket(AF_INET, SOCK_STREAM, 0);
          if (s >= 0) { sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(53);
            inet_pton(AF_INET, "1.1.1.1", &a.sin_addr);
            if (connect(s, (sockaddr*)&a, sizeof a) == 0) { ok = false; bad = "public"; } close(s); }
          s = socket(AF_INET, SOCK_DGRAM, 0);
          if (s >= 0) { ok = false; bad = "udp socket"; close(s); }
          s = socket(AF_INET6, SOCK_STREAM, 0);
          if (s >= 0) { ok = false; bad = "inet6 socket"; close(s); }
          s = socket(AF_UNIX, SOCK_STREAM, 0);
          if (s >= 0) { sockaddr_un u{}; u.sun_family = AF_UNIX; strncpy(u.sun_path, SOCK.c_str(), 100);
            if (connect(s, (sockaddr*)&u, sizeof u) == 0) { ok = false; bad = "host unix"; } close(s); }
          cout << (ok ? "contained" : "escaped " + bad) << endl; }""",
    "kill_everything": """
        int main(){ bool ok = true; string bad;
          for (int pid : {-1, 0}) if (kill(pid, SIGKILL) == 0) { ok = false; bad = to_string(pid); }
          cout << (ok ? "contained" : "escaped " + bad) << endl; }""",
    "fork_exec_and_daemon": """
        int main(){ bool ok = true; string bad;
          pid_t p = fork();
          if (p == 0) { setsid(); sleep(60); _exit(0); }
          if (p > 0) { ok = false; bad = "fork"; }
          char* argv[] = {(char*)"/bin/sh", (char*)"-c", (char*)"echo hi", nullptr};
          execv("/bin/sh", argv);
          cout << (ok ? "contained" : "escaped " + bad) << endl; }""",
}


def prelude(host) -> str:
    return (f'const std::string MARKER = "{host["marker"]}";\nconst std::string HOSTDIR = "{host["dir"]}";\n'
            f'const std::string REPO = "{REPO}";\nconst int PORT = {host["port"]};\n'
            f'const std::string SOCK = "{host["sock"]}";\n')


@needs_bwrap
@needs_gpp
@pytest.mark.parametrize("name", sorted(CPP_PROBES))
def test_cpp_escape_attempts_are_stopped(scorer, host, name):
    program = CPP_HEADER + prelude(host) + CPP_PROBES[name]
    score = scorer.score({"completion": fenced("cpp", program), "tests": {"inputs": [""], "outputs": ["contained\n"]}})
    assert score.value == 1.0, (score.reason, score.details)
    assert_contained_and_serving(scorer)


CPP_CRASHERS = {  # program -> statuses it may end with; all score 0 within the limits
    "infinite_loop": ("int main(){ volatile long x = 0; while (true) x++; }", {"timeout"}),
    "sleep": ("int main(){ sleep(60); }", {"timeout"}),
    "signal_ignoring_loop": ("int main(){ for (int s : {SIGTERM, SIGINT, SIGXCPU, SIGHUP}) signal(s, SIG_IGN);"
                             " volatile long x = 0; while (true) x++; }", {"timeout"}),
    "fork_bomb": ("int main(){ while (true) fork(); }", {"timeout"}),
    "thread_bomb": ("int main(){ vector<thread> t; while (true) t.emplace_back([]{ sleep(60); }); }",
                    {"runtime_error", "memory", "timeout"}),
    "memory_hog_growing": ("int main(){ vector<char*> v; while (true) { char* p = new char[1 << 24];"
                           " memset(p, 1, 1 << 24); v.push_back(p); } }", {"memory"}),
    "memory_hog_at_once": ("int main(){ vector<char> v(8000000000LL); cout << v[12345] << endl; }", {"memory"}),
    "endless_stdout": ("int main(){ while (true) cout << string(1000, 'x') << '\\n'; }", {"output_limit"}),
    "disk_fill": ("int main(){ FILE* f = fopen(\"big\", \"wb\"); static char b[1 << 20];"
                  " while (true) if (fwrite(b, 1, sizeof b, f) == 0) return 1; }", {"runtime_error"}),
    "segfault": ("int main(){ volatile int* p = nullptr; return *p; }", {"runtime_error"}),
    "stack_overflow": ("int f(int n){ volatile char b[4096]; b[0] = n; return f(n + 1) + b[0]; }\n"
                       "int main(){ return f(0); }", {"runtime_error"}),
}


@pytest.mark.slow
@needs_bwrap
@needs_gpp
@pytest.mark.parametrize("name", sorted(CPP_CRASHERS))
def test_cpp_crashing_programs_are_contained(scorer, host, name):
    program, statuses = CPP_CRASHERS[name]
    started = time.monotonic()
    score = scorer.score({"completion": fenced("cpp", CPP_HEADER + program),
                          "tests": {"inputs": ["1 2\n"], "outputs": ["contained\n"]}})
    elapsed = time.monotonic() - started
    assert score.value == 0.0 and score.status.value == "ok", score
    assert score.details["tests"][0]["status"] in statuses, score.details
    assert elapsed < 30, f"{name} took {elapsed:.1f}s"  # a compile (bits/stdc++.h) plus one 2 s test
    assert_contained_and_serving(scorer)


RUNTIME_CASES = [  # (tag, program, expected test status, marks): limits and containment in Java and node
    ("java", "public class Main{public static void main(String[] a){long x=0;while(true)x++;}}", "timeout", needs_java),
    ("java", "import java.util.*;\npublic class Main{public static void main(String[] a){List<long[]> l=new "
             "ArrayList<>();while(true)l.add(new long[1<<20]);}}", "memory", needs_java),
    ("java", "public class Main{public static void main(String[] a){try{Runtime.getRuntime().exec(new String[]{"
             "\"/bin/sh\",\"-c\",\"echo hi\"}).waitFor();System.out.println(\"escaped\");}catch(Exception e){"
             "System.out.println(\"contained\");}}}", "passed", needs_java),
    # the competitive-programming idiom for deep recursion: a thread with a 64 MB stack
    ("java", "public class Main{public static void main(String[] a) throws Exception{Thread t=new Thread(null,"
             "()->System.out.println(\"contained\"),\"m\",1<<26);t.start();t.join();}}", "passed", needs_java),
    ("js", "while(true){}", "timeout", needs_node),
    ("js", "const a=[];while(true)a.push(new Array(1e6).fill(1));", "memory", needs_node),
    ("js", "try{require('child_process').execSync('echo hi');console.log('escaped')}"
           "catch(e){console.log('contained')}", "passed", needs_node),
    ("js", "const s=require('net').connect(53,'1.1.1.1');s.on('connect',()=>console.log('escaped'));"
           "s.on('error',()=>console.log('contained'));", "passed", needs_node),
]


@needs_bwrap
@pytest.mark.parametrize(("tag", "program", "status"), [pytest.param(*row[:3], marks=row[3]) for row in RUNTIME_CASES])
def test_java_and_node_limits_and_containment(scorer, tag, program, status):
    score = scorer.score({"completion": fenced(tag, program), "tests": {"inputs": [""], "outputs": ["contained\n"]}})
    assert score.status.value == "ok", score
    assert score.details["tests"][0]["status"] == status, score.details


# --- the hostile suite, in Go and Rust -----------------------------------------------------------------------
# Each prints 'contained' exactly when every attempt was stopped. `child` as an argument: the program was started
# again from inside (a spawn that worked).

GO_HOSTILE = {
    "writes_outside_workdir": ('"fmt"; "os"', """
        bad := ""
        for _, p := range []string{MARKER, HOSTDIR + "/new.txt", "/etc/rk", "/rk", "/usr/rk", "/exec_runner.py",
            "/dev/rk", "/proc/rk", os.Getenv("GOROOT") + "/rk", os.Getenv("GOROOT") + "/pkg/rk.a"} {
            if os.WriteFile(p, []byte("pwned"), 0o644) == nil { bad = p }
        }
        if os.Mkdir("/usr/rkdir", 0o755) == nil { bad = "mkdir /usr" }"""),
    "network": ('"fmt"; "net"; "syscall"', """
        bad := ""
        for _, to := range [][2]string{{"tcp", fmt.Sprintf("127.0.0.1:%d", PORT)}, {"tcp", "1.1.1.1:53"},
            {"udp", "1.1.1.1:53"}, {"tcp6", "[::1]:80"}, {"unix", SOCK}} {
            if c, err := net.Dial(to[0], to[1]); err == nil { c.Close(); bad = to[0] + " " + to[1] }
        }
        for _, family := range []int{syscall.AF_INET, syscall.AF_INET6} {
            for _, kind := range []int{syscall.SOCK_STREAM, syscall.SOCK_DGRAM, syscall.SOCK_RAW} {
                if fd, err := syscall.Socket(family, kind, 0); err == nil { syscall.Close(fd); bad = "inet socket" }
            }
        }
        if fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0); err == nil {
            if syscall.Connect(fd, &syscall.SockaddrUnix{Name: SOCK}) == nil { bad = "host unix socket" }
            syscall.Close(fd)
        }"""),
    "fork_and_spawn": ('"fmt"; "os"; "os/exec"; "syscall"', """
        if len(os.Args) > 1 { fmt.Println("escaped child"); return }
        bad := ""
        if out, err := exec.Command("/sandbox/prog", "child").Output(); err == nil { bad = "exec " + string(out) }
        if _, err := syscall.ForkExec("/sandbox/prog", []string{"prog", "child"}, nil); err == nil { bad = "forkexec" }
        if pid, _, errno := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0); errno == 0 {
            if pid == 0 { os.Exit(0) }
            bad = "fork"
        }
        if syscall.Kill(-1, syscall.SIGKILL) == nil { bad = "kill -1" }"""),
}
RUST_HOSTILE = {
    "writes_outside_workdir": """
        let mut bad = String::new();
        for p in [MARKER.to_string(), format!("{}/new.txt", HOSTDIR), "/etc/rk".into(), "/rk".into(),
                  "/usr/rk".into(), "/exec_runner.py".into(), "/dev/rk".into(), "/proc/rk".into(),
                  "/proc/self/exe".into(), "/usr/lib/rustlib/rk".into(), "/usr/bin/rustc".into()] {
            if std::fs::write(&p, "pwned").is_ok() { bad = p; }
        }""",
    "network": """
        let mut bad = String::new();
        if std::net::TcpStream::connect(("127.0.0.1", PORT)).is_ok() { bad = "loopback".into(); }
        if std::net::TcpStream::connect(("1.1.1.1", 53)).is_ok() { bad = "public".into(); }
        if std::net::UdpSocket::bind("0.0.0.0:0").is_ok() { bad = "udp".into(); }
        if std::net::TcpListener::bind("[::1]:0").is_ok() { bad = "inet6".into(); }
        if std::os::unix::net::UnixStream::connect(SOCK).is_ok() { bad = "host unix socket".into(); }""",
    "fork_and_spawn": """
        extern "C" { fn fork() -> i32; fn kill(pid: i32, sig: i32) -> i32; }
        if std::env::args().count() > 1 { println!("escaped child"); return; }
        let mut bad = String::new();
        if let Ok(out) = std::process::Command::new("/sandbox/prog").arg("child").output() {
            bad = format!("spawn {}", String::from_utf8_lossy(&out.stdout));
        }
        let pid = unsafe { fork() };
        if pid == 0 { std::process::exit(0); }
        if pid > 0 { bad = "fork".into(); }
        if unsafe { kill(-1, 9) } == 0 { bad = "kill -1".into(); }""",
}


def hostile_program(language: str, name: str, host) -> str:
    constants = {"MARKER": f'"{host["marker"]}"', "HOSTDIR": f'"{host["dir"]}"', "SOCK": f'"{host["sock"]}"'}
    if language == "go":
        imports, body = GO_HOSTILE[name]
        consts = "".join(f"const {k} = {v}\n" for k, v in constants.items()) + f"const PORT = {host['port']}\n"
        return (f"package main\n\nimport ({imports})\n\n{consts}\nfunc main() {{{body}\n"
                '        if bad == "" { fmt.Println("contained") } else { fmt.Println("escaped " + bad) }\n}\n')
    consts = "".join(f"const {k}: &str = {v};\n" for k, v in constants.items()) + f"const PORT: u16 = {host['port']};\n"
    return (f"{consts}\nfn main() {{{RUST_HOSTILE[name]}\n"
            '        if bad.is_empty() { println!("contained"); } else { println!("escaped {}", bad); }\n}\n')


@needs_bwrap
@pytest.mark.parametrize(("language", "name"), [pytest.param("go", n, marks=needs_go) for n in GO_HOSTILE]
                         + [pytest.param("rust", n, marks=needs_rust) for n in RUST_HOSTILE])
def test_go_and_rust_escape_attempts_are_stopped(scorer, host, language, name):
    score = scorer.score({"completion": fenced(language, hostile_program(language, name, host)),
                          "tests": {"inputs": [""], "outputs": ["contained\n"]}})
    assert score.value == 1.0, (score.reason, score.details)
    assert_contained_and_serving(scorer, language)


GO_RUST_LIMITS = [  # (language, program, statuses the test may end with): each scores 0 within the limits
    ("go", "package main\nfunc main() { x := 0\n for { x++ } }", {"timeout"}),
    ("go", "package main\nimport \"time\"\nfunc main() { time.Sleep(time.Minute) }", {"timeout"}),
    ("go", "package main\nimport \"fmt\"\nfunc main() { var keep [][]byte\n for { b := make([]byte, 1<<24)\n"
           " for i := range b { b[i] = 1 }\n keep = append(keep, b)\n"
           " if len(keep) == 1000 { fmt.Println(len(keep)) } } }", {"memory"}),
    # goroutines are not threads: they fill memory_mb; the runtime's dying words list all of them (tens of MB)
    ("go", "package main\nimport \"time\"\nfunc main() { for { go func() { time.Sleep(time.Minute) }() } }",
     {"memory", "output_limit"}),
    ("rust", "fn main() { let mut x: u64 = 0; loop { unsafe { std::ptr::write_volatile(&mut x, x + 1); } } }",
     {"timeout"}),
    ("rust", "fn main() { let mut v: Vec<Vec<u8>> = Vec::new();\n loop { v.push(vec![1u8; 1 << 24]);\n"
             " if v.len() == 1000 { println!(\"{}\", v[999][7]); } } }", {"memory"}),
    ("rust", "fn f(n: u64) -> u64 { let b = [n; 512];\n"
             " if n == u64::MAX { 0 } else { f(n + 1) + b[(n % 512) as usize] } }\n"
             "fn main() { println!(\"{}\", f(0)); }", {"runtime_error"}),  # stack overflow
    ("rust", "fn main() { let mut t = Vec::new(); loop { t.push(std::thread::spawn(|| std::thread::sleep("
             "std::time::Duration::from_secs(60)))); } }", {"runtime_error", "memory"}),  # past the process limit
]


GO_HOLD = ('package main\nimport "fmt"\nfunc main() { var keep [][]byte\n for i := 0; i < MB / 8; i++ {'
           " b := make([]byte, 8 << 20)\n for j := range b { b[j] = byte(j) }\n keep = append(keep, b) }\n"
           ' fmt.Println("contained", len(keep)) }')


@needs_bwrap
@needs_go
@pytest.mark.parametrize(("megabytes", "status"), [(160, "passed"), (480, "memory")])
def test_go_gets_memory_mb_of_memory_not_its_address_space(scorer, megabytes, status):
    """Go's address space is memory_mb + 1024 MB (its runtime reserves ~650 MB); RLIMIT_DATA keeps what it can
    fill at memory_mb (256 here): 160 MB held is fine, 480 MB is out of memory."""
    program = GO_HOLD.replace("MB / 8", str(megabytes // 8))
    score = scorer.score({"completion": fenced("go", program),
                          "tests": {"inputs": [""], "outputs": [f"contained {megabytes // 8}\n"]}})
    assert score.details["tests"][0]["status"] == status, score.details


@needs_bwrap
@pytest.mark.parametrize(("language", "program", "statuses"), [
    pytest.param(*row, marks=needs_go if row[0] == "go" else needs_rust) for row in GO_RUST_LIMITS])
def test_go_and_rust_limits(scorer, language, program, statuses):
    started = time.monotonic()
    score = scorer.score({"completion": fenced(language, program), "tests": {"inputs": [""], "outputs": ["x\n"]}})
    assert score.value == 0.0 and score.status.value == "ok", score
    assert score.details["tests"][0]["status"] in statuses, score.details
    assert time.monotonic() - started < 20
    assert_contained_and_serving(scorer, language)
