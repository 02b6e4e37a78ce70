# SPDX-License-Identifier: GPL-2.0
"""iotrace --metrics: the Prometheus exposition, checked by promtool and
scraped by a real Prometheus server on loopback.

The oracle is tests/progs/paced_poll: exactly N poll() calls at RATE per
second on absolute deadlines, so the call rate and the final counter are
known before the run."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from helpers import IOTRACE, assert_detached, free_port, prog, wait_for_line

OPENMETRICS = "application/openmetrics-text;version=1.0.0"


def fetch(url, accept=None, timeout=5):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.headers.get("Content-Type"), r.read().decode()


def series(text, name, **labels):
    """Value of the sample `name` whose labels include `labels` (exposition text)."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        want = [f'{k}="{v}"' for k, v in labels.items()]
        if all(w in line for w in want):
            return float(line.rsplit(" ", 1)[1])
    return None


class Exporter:
    """iotrace --metrics -j FILE -- paced_poll N RATE, until stopped."""

    def __init__(self, n, rate):
        self.port = free_port()
        self.json = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        self.p = subprocess.Popen(
            [IOTRACE, "--metrics", f"127.0.0.1:{self.port}", "-j", self.json, "--",
             prog("paced_poll"), str(n), str(rate)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = wait_for_line(self.p.stdout, "ready")
        self.pid = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}/metrics"

    def wait_done(self, timeout):
        return wait_for_line(self.p.stdout, "done", timeout=timeout)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        out, err = self.p.communicate(timeout=20)
        with open(self.json) as f:
            report = json.load(f)
        os.unlink(self.json)
        assert_detached(self.pid)
        return report, err

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.communicate()
        if os.path.exists(self.json):
            os.unlink(self.json)


class Prometheus:
    """A real Prometheus on loopback scraping one target every second."""

    def __init__(self, target_port):
        if not shutil.which("prometheus"):
            raise AssertionError("prometheus is not installed (scripts/install-deps)")
        self.dir = tempfile.mkdtemp(prefix="iotrace-prom-")
        self.port = free_port()
        cfg = os.path.join(self.dir, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
                    "scrape_configs:\n  - job_name: iotrace\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{target_port}']\n")
        self.p = subprocess.Popen(
            ["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.api = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(self.api + "/-/ready", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("Prometheus did not become ready within 30 s")

    def query(self, expr, at=None):
        args = {"query": expr}
        if at is not None:
            args["time"] = f"{at:.3f}"
        _, body = fetch(self.api + "/api/v1/query?" + urllib.parse.urlencode(args))
        res = json.loads(body)
        assert res["status"] == "success", res
        return [(r["metric"], float(r["value"][1])) for r in res["data"]["result"]]

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)


def test_exposition_passes_promtool_in_both_formats():
    # 200 polls at 100/s: about 2 s; we scrape in the middle and at the end.
    e = Exporter(200, 100)
    try:
        time.sleep(0.5)
        ctype, text = fetch(e.url)
        assert ctype.startswith("text/plain; version=0.0.4"), ctype
        r = subprocess.run(["promtool", "check", "metrics"], input=text,
                           capture_output=True, text=True)
        assert r.returncode == 0, f"promtool: {r.stdout}{r.stderr}"
        for family in ("iotrace_syscall_calls_total", "iotrace_syscall_latency_seconds",
                       "iotrace_fds_watched_total", "iotrace_scan_passes_total",
                       "iotrace_copied_in_bytes_total", "iotrace_syscall_asleep_seconds_total",
                       "iotrace_wakeups_by_class_total", "iotrace_drops_total"):
            assert f"# TYPE {family} " in text, family
        assert "(derived)" in text.split("# HELP iotrace_fds_examined_total")[1].split("\n")[0]
        ctype, om = fetch(e.url, accept=OPENMETRICS)
        assert ctype.startswith("application/openmetrics-text"), ctype
        assert om.endswith("# EOF\n") and "# TYPE iotrace_syscall_calls counter" in om
        e.wait_done(timeout=10)
        _, text = fetch(e.url)
        # the oracle's 200 calls, every one timed out (never-ready pipe)
        assert series(text, "iotrace_syscall_calls_total", pid=e.pid, syscall="poll") == 200
        assert series(text, "iotrace_syscall_timeouts_total", pid=e.pid, syscall="poll") == 200
        assert series(text, "iotrace_fds_watched_total", pid=e.pid, syscall="poll") == 200
        assert series(text, "iotrace_syscall_latency_seconds_count", pid=e.pid,
                      syscall="poll") == 200
        assert series(text, "iotrace_syscall_latency_seconds_bucket", pid=e.pid,
                      syscall="poll", le="+Inf") == 200
        assert series(text, "iotrace_all_syscalls_total", syscall="poll") == 200
        report, err = e.stop()
        assert "--metrics answered 3 scrapes" in err, err
        assert report["syscalls"]["poll"]["calls"] == 200
    finally:
        e.kill()


def test_real_prometheus_measures_the_known_call_rate():
    # 1000 polls at 100/s: 10 s of a steady, exactly known rate.
    n, rate = 1000, 100
    e = Exporter(n, rate)
    prom = None
    try:
        prom = Prometheus(e.port)
        t_ready = time.time()
        e.wait_done(timeout=30)
        t_done = time.time()
        time.sleep(2.5)  # two more scrapes after the last call
        # the rate over a 4 s window (4 scrapes) that ends 1 s before the last call
        at = t_done - 1.0
        assert at - 4 > t_ready + 1, "Prometheus started too late to hold a 4 s window"
        got = prom.query(f'rate(iotrace_syscall_calls_total{{syscall="poll",pid="{e.pid}"}}[4s])',
                         at=at)
        assert len(got) == 1, (got, t_ready, t_done)
        assert abs(got[0][1] - rate) <= rate * 0.05, f"rate {got[0][1]:.1f}/s, expected {rate}/s"
        got = prom.query(f'iotrace_syscall_calls_total{{syscall="poll",pid="{e.pid}"}}')
        assert got and got[0][1] == n, got
        assert got[0][0]["comm"] == "paced_poll"
        # a counter never went down in any series, across every scrape
        resets = prom.query("resets(iotrace_syscall_calls_total[1m])")
        assert resets and all(v == 0 for _, v in resets), resets
        # the target exited; its series stay until iotrace ends
        assert e.p.poll() is None, "iotrace --metrics must outlive its target"
        report, _ = e.stop()
        assert report["syscalls"]["poll"]["calls"] == n
    finally:
        if prom:
            prom.stop()
        e.kill()


def test_metrics_port_taken_is_a_one_line_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = subprocess.run([IOTRACE, "--metrics", str(port), "--", prog("paced_poll"), "1", "1"],
                           capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert f"failed to listen on 127.0.0.1:{port} for --metrics: Address already in use" \
        in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2, r.stderr  # + the Tracing line at most


def test_metrics_bad_address_is_a_one_line_error():
    for bad, msg in (("host:80", "invalid --metrics address"), ("70000", "--metrics port"),
                     ("1.2.3.4:", "--metrics port")):
        r = subprocess.run([IOTRACE, "--metrics", bad, "-p", "1"], capture_output=True, text=True)
        assert r.returncode == 2, (bad, r.returncode)
        assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, (bad, r.stderr)
