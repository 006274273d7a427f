"""shootout's python-asyncio strategy: the asyncio tutorials' own idioms behind shootout's
external-strategy protocol (METHODOLOGY.md, "External strategies").

Standard library only; Python >= 3.11 (asyncio.TaskGroup). The protocol, one JSON line each way:
  1. this program prints {"ready": {...}} once it is imported (or {"unsupported": "why"});
  2. it reads one line {"spec": {...}, "workers": W, "target": "http://HOST:PORT" | null};
  3. it runs the case inside one asyncio.run and prints
     {"start_ns": S, "end_ns": E, "outcome": {...}} (or {"error": "why"}), where S and E are
     time.monotonic_ns() (CLOCK_MONOTONIC) stamped inside the event loop, so neither the
     interpreter's start-up nor the JSON encoding is timed;
  4. it waits for stdin to close, still inside the loop (the harness reads its CPU time and
     threads meanwhile), and exits.
Every timestamp in an outcome is time.monotonic_ns(). The harness verifies the outcome with
the same code that verifies the Rust strategies.

Nothing here uses syntax newer than Python 3.6, so an older interpreter reaches the version
check and says so instead of failing to parse.
"""

import json
import re
import struct
import sys
import time

M64 = 0xFFFFFFFFFFFFFFFF
GAMMA = 0x9E3779B97F4A7C15
LCG_MUL = 6364136223846793005
LCG_INC = 1442695040888963407
# Must equal core's queue::LATENCY_SAMPLES: verify rejects an outcome timed on another stride.
LATENCY_SAMPLES = 2048
mono = time.monotonic_ns


def mix(z):
    """splitmix64's finaliser, as core's splitmix::mix."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def splitmix64(x):
    return mix((x + GAMMA) & M64)


def kernel(index, work):
    """core's fan-out kernel: `work` LCG steps from splitmix64(index), then mixed."""
    x = splitmix64(index)
    for _ in range(work):
        x = (x * LCG_MUL + LCG_INC) & M64
    return mix(x)


def cpu_work(iterations, seed):
    """core's queue cost: xorshift rounds seeded by the id."""
    x = seed | 1
    for _ in range(iterations):
        x ^= (x << 13) & M64
        x ^= x >> 7
        x ^= (x << 17) & M64
    return x


def seconds(text):
    """A duration as core writes it: 10ms, 250us, 1s, 123ns, 0s."""
    m = re.fullmatch(r"(\d+)(ns|us|ms|s)", text)
    if not m:
        raise ValueError("bad duration %r" % text)
    return int(m.group(1)) * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


# ---------------------------------------------------------------------------------- sleep


async def sleep_case(asyncio, spec):
    n, d, mode = spec["tasks"], seconds(spec["duration"]), spec["mode"]

    async def timer(i):
        start = mono()
        await asyncio.sleep(d)
        return i, start, mono()

    def blocking(i):
        # On a thread of the loop's default executor: the span is the blocking call itself.
        start = mono()
        time.sleep(d)
        return i, start, mono()

    async def offloaded(i):
        return await asyncio.to_thread(blocking, i)

    # Memory mode's wait is core's Release: until d after the last task was created, so all N
    # are alive at once; before that, a task sleeps d or half the creating time so far.
    armed, opened = mono(), None

    def next_wait():
        now = mono()
        if opened is None:
            return max(d, (now - armed) / 2e9)
        left = (opened - now) / 1e9 + d
        return left if left > 0 else None

    async def memory(i):
        while (wait := next_wait()) is not None:
            await asyncio.sleep(wait)
        return i

    start = mono()
    if mode == "memory":
        tasks = [asyncio.create_task(memory(i)) for i in range(n)]
        opened = mono()
        gathered = asyncio.gather(*tasks)
        del tasks
        ids = await gathered
        end = mono()
        return start, end, {"ids": list(ids), "waits": [], "held": [opened, end]}
    body = timer if mode == "timer" else offloaded
    done = await asyncio.gather(*[asyncio.create_task(body(i)) for i in range(n)])
    end = mono()
    return start, end, {"ids": [r[0] for r in done], "waits": [[r[1], r[2]] for r in done]}


# -------------------------------------------------------------------------------- fan-out


class UnitFailed(Exception):
    pass


class UnitTimedOut(Exception):
    pass


class Stop(Exception):
    """Raised in a TaskGroup's body at the first error: the group cancels every unit left."""


async def fan_out_case(asyncio, spec):
    n, work, wait = spec["units"], spec["work"], seconds(spec["wait"])
    slow = spec.get("slow", False)
    errors = spec.get("errors")
    every = errors["every"] if errors else 0
    fail_fast = bool(errors) and errors["policy"] == "fail-fast"
    limit = spec.get("limit")
    deadline = seconds(spec["deadline"]) if spec.get("deadline") else None
    completion = spec.get("order", "input") == "completion"

    in_flight = [None] * n
    finished = [None] * n
    cancel_latency = []
    cancel_from = [n]  # fail-fast: units >= this never start (the failing unit lowers it)
    semaphore = asyncio.Semaphore(limit) if limit else None

    async def body(i):
        w = wait * 4 if slow and i % 4 == 3 else wait
        if w:
            await asyncio.sleep(w)
        value = kernel(i, work)
        if every and i % every == every - 1:
            raise UnitFailed(i)
        return value

    async def run(i):
        """One unit; its error comes back as a value (UnitFailed / UnitTimedOut)."""
        if i >= cancel_from[0]:
            return None
        start = mono()
        in_flight[i] = [start, None]
        try:
            try:
                if deadline is None:
                    value = await body(i)
                else:
                    value = await asyncio.wait_for(body(i), deadline)
            except TimeoutError:
                cancel_latency.append(max(0, mono() - (start + round(deadline * 1e9))))
                value = UnitTimedOut(i)
            except UnitFailed as e:
                value = e
            if fail_fast and isinstance(value, Exception):
                # TaskGroup semantics: nothing after the first error starts (input order:
                # nothing after it; completion order: nothing at all).
                cancel_from[0] = 0 if completion else min(cancel_from[0], i + 1)
            t = mono()
            finished[i] = [t, t]
            return value
        finally:
            # Also when cancelled: the unit has left.
            in_flight[i][1] = mono()

    async def unit(i):
        if semaphore is None:
            return await run(i)
        async with semaphore:
            return await run(i)

    async def raising(i):
        r = await unit(i)
        if isinstance(r, Exception):
            raise r
        return r

    async def pair(i):
        return i, await unit(i)

    def hand(i, r):
        if isinstance(r, UnitFailed):
            return {"index": i, "error": "failed"}
        if isinstance(r, UnitTimedOut):
            return {"index": i, "error": "timed-out"}
        if isinstance(r, BaseException):
            raise r
        return {"index": i, "value": r}

    handed = []
    spawned = 0
    start = mono()
    if not fail_fast and not completion:
        # gather, with return_exceptions=True when units can fail (the tutorials' collect).
        tasks = [asyncio.create_task(raising(i)) for i in range(n)]
        spawned = len(tasks)
        results = await asyncio.gather(*tasks, return_exceptions=errors is not None or deadline is not None)
        handed = [hand(i, r) for i, r in enumerate(results)]
    elif not fail_fast:
        tasks = [asyncio.create_task(pair(i)) for i in range(n)]
        spawned = len(tasks)
        for f in asyncio.as_completed(tasks):
            i, r = await f
            handed.append(hand(i, r))
    else:
        # A TaskGroup whose body is the gather: at the first error it raises, and the group
        # cancels every unit still running and waits for them. A unit's error is returned to
        # the gather rather than raised in the group, since a raise would cancel units ahead
        # of it in input order, which core's fail-fast hands over.
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(pair(i)) for i in range(n)]
                spawned = len(tasks)
                awaited = asyncio.as_completed(tasks) if completion else tasks
                for f in awaited:
                    i, r = await f
                    if r is None:
                        if completion:
                            continue
                        break
                    handed.append(hand(i, r))
                    if isinstance(r, Exception):
                        raise Stop()
        except ExceptionGroup as eg:  # noqa: F821 (3.11+, checked at start)
            if not all(isinstance(e, Stop) for e in eg.exceptions):
                raise
    end = mono()
    return start, end, {
        "handed": handed,
        "finished": finished,
        "in_flight": in_flight,
        "cancel_latency_ns": cancel_latency,
        "spawned": spawned,
    }


# ---------------------------------------------------------------------------------- queue


async def queue_case(asyncio, spec):
    m, p, c = spec["messages"], spec["producers"], spec["consumers"]
    capacity = spec["capacity"]
    maxsize = 0 if capacity == "unbounded" else capacity["bounded"]
    cost = spec["cost"]
    cpu = cost["cpu"] if isinstance(cost, dict) and "cpu" in cost else None
    cost_wait = seconds(cost["wait"]) if isinstance(cost, dict) and "wait" in cost else None
    pacing = seconds(spec["pacing"])
    join = spec.get("join", False)
    # The verify pass asks for the id hash; timed runs do not (core's QueueSpec::hash_ids).
    hash_ids = spec.get("hash_ids", True)
    s = max(m // LATENCY_SAMPLES, 1)
    stride = 1 << (s.bit_length() - 1)
    mask = stride - 1
    track_busy = cpu is not None or cost_wait is not None
    q = asyncio.Queue(maxsize)
    started = [0]

    async def producer(k):
        sent, peak, sent_at = 0, 0, []
        for i in range(k * m // p, (k + 1) * m // p):
            if pacing:
                await asyncio.sleep(pacing)
            timed = i & mask == 0
            if timed:
                sent_at.append([i, mono()])
            await q.put(i)
            sent += 1
            if timed:
                peak = max(peak, q.qsize())
        return {"sent": sent, "peak_depth": peak, "sent_at": sent_at}

    async def consumer(report):
        started[0] += 1
        idle = True
        try:
            while True:
                i = await q.get()
                if i is None:  # the sentinel: the queue is closed
                    report["saw_close"] = True
                    return
                idle = False
                if track_busy:
                    b0 = mono()
                    if cpu is not None:
                        cpu_work(cpu, i)
                    else:
                        await asyncio.sleep(cost_wait)
                    report["busy_ns"].append([b0, mono()])
                report["processed"] += 1
                report["id_sum"] = (report["id_sum"] + i) & M64
                if hash_ids:
                    report["id_hash"] = (report["id_hash"] + splitmix64(i)) & M64
                if i & mask == 0:
                    report["received_at"].append([i, mono()])
                if join:
                    q.task_done()
                    report["acked"] += 1
                idle = True
        except asyncio.CancelledError:
            # Cancelled after queue.join(): closed while waiting for the next message.
            report["saw_close"] = idle
            raise

    reports = [
        {"processed": 0, "id_sum": 0, "id_hash": 0, "received_at": [], "busy_ns": [], "saw_close": False, "acked": 0}
        for _ in range(c)
    ]
    start = mono()
    consumers = [asyncio.create_task(consumer(r)) for r in reports]
    producers = [asyncio.create_task(producer(k)) for k in range(p)]
    sent = await asyncio.gather(*producers)
    if join:
        # The tutorial's shutdown: wait until every item is task_done, then cancel the workers.
        await q.join()
        for t in consumers:
            t.cancel()
        await asyncio.gather(*consumers, return_exceptions=True)
    else:
        for _ in range(c):
            await q.put(None)
        await asyncio.gather(*consumers)
    end = mono()
    alive = sum(1 for t in consumers + producers if not t.done())
    acked = sum(r.pop("acked") for r in reports)
    return start, end, {
        "producers": sent,
        "consumers": reports,
        "consumers_started": started[0],
        "units_alive": alive,
        "acked": acked if join else None,
        "stride": stride,
        "ids_hashed": hash_ids,
    }


# ----------------------------------------------------------------------------------- http


DIGEST_SEED, DIGEST_K = 0xCBF29CE484222325, 0x9E3779B97F4A7C15


def digest(body):
    """shootout_core::http::Digest of a whole body: little-endian 64-bit words, each mixed as
    (h ^ w) * K then h ^ (h >> 32); a trailing partial word with its length in its top byte."""
    h, whole = DIGEST_SEED, len(body) - len(body) % 8
    for (w,) in struct.iter_unpack("<Q", body[:whole]):
        h = ((h ^ w) * DIGEST_K) & M64
        h ^= h >> 32
    if whole < len(body):
        w = int.from_bytes(body[whole:], "little") | (len(body) - whole) << 56
        h = ((h ^ w) * DIGEST_K) & M64
        h ^= h >> 32
    return h


class Closed(Exception):
    pass


class Fatal(Exception):
    """The run cannot go on (no server): one line for the row, no traceback."""


async def http_case(asyncio, spec, url):
    m, c = spec["requests"], spec["concurrency"]
    nbytes = spec["bytes"]
    # The verify pass asks for each body's digest; timed runs do not (core's
    # HttpSpec::digest_bodies).
    digest_bodies = spec.get("digest_bodies", True)
    fresh = spec["connection"] == "fresh"
    timeout = seconds(spec["timeout"])
    timed = spec["faults"]["stall_rate"] > 0
    authority = url[len("http://"):].rstrip("/")
    host, _, port = authority.rpartition(":")
    host = host.strip("[]")
    samples = {}
    fatal = []

    async def read_response(reader):
        status_line = await reader.readline()
        if not status_line:
            raise Closed("the connection closed before a response")
        parts = status_line.split()
        status = int(parts[1])
        length, chunked, close = None, False, False
        while True:
            line = await reader.readline()
            if not line:
                raise Closed("the connection closed inside the headers")
            if line in (b"\r\n", b"\n"):
                break
            key, _, value = line.decode("latin-1").partition(":")
            key, value = key.strip().lower(), value.strip().lower()
            if key == "content-length":
                length = int(value)
            elif key == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif key == "connection" and value == "close":
                close = True
        if chunked:
            chunks = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            data = b"".join(chunks)
        elif length is not None:
            data = await reader.readexactly(length)
        else:
            data = await reader.read()
            close = True
        return status, len(data), digest(data) if digest_bodies else 0, close

    async def worker(w):
        results = []
        conn = None
        for i in range(w, m, c):
            if fatal:
                break
            start = mono()
            error = None
            try:
                if conn is None:
                    try:
                        conn = await asyncio.open_connection(host, int(port))
                    except OSError as e:
                        fatal.append("could not connect to %s: %s; is the server running?" % (url, e))
                        raise
                reader, writer = conn
                head = "GET /work?id=%d&bytes=%d HTTP/1.1\r\nHost: %s\r\n" % (i, nbytes, authority)
                if fresh:
                    head += "Connection: close\r\n"
                writer.write((head + "\r\n").encode())
                if timed:
                    status, total, body_digest, close = await asyncio.wait_for(read_response(reader), timeout)
                else:
                    status, total, body_digest, close = await read_response(reader)
                if close or fresh:
                    writer.close()
                    conn = None
                end = mono()
                results.append({"id": i, "start_ns": start, "latency_ns": end - start,
                                "status": status, "len": total, "digest": body_digest})
                continue
            except TimeoutError:
                error, said = "timeout", "no answer within %s" % spec["timeout"]
            except (Closed, asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError,
                    ConnectionAbortedError) as e:
                error, said = "reset", str(e) or type(e).__name__
            except ConnectionRefusedError as e:
                error, said = "connect", str(e)
            except (OSError, ValueError, IndexError) as e:
                error, said = "other", str(e) or type(e).__name__
            end = mono()
            samples.setdefault(error, said)
            if conn is not None:
                conn[1].close()
                conn = None
            results.append({"id": i, "start_ns": start, "latency_ns": end - start, "error": error})
        if conn is not None:
            conn[1].close()
        return results

    start = mono()
    batches = await asyncio.gather(*[asyncio.create_task(worker(w)) for w in range(c)])
    end = mono()
    if fatal:
        raise Fatal(fatal[0])
    return start, end, {"results": [r for b in batches for r in b], "error_samples": samples,
                        "bodies_digested": digest_bodies}


# ----------------------------------------------------------------------------------- main


def say(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main():
    version = sys.version.split()[0]
    if sys.version_info < (3, 11):
        say({"unsupported": "python %s is older than 3.11 (asyncio.TaskGroup)" % version})
        return 0
    import asyncio

    try:
        import aiohttp  # noqa: F401 (only reported: the client here is asyncio's own streams)

        client = "asyncio streams (aiohttp %s is installed but not used)" % aiohttp.__version__
    except ImportError:
        client = "asyncio streams HTTP/1.1 keep-alive client (aiohttp not installed)"
    say({"ready": {"python": version, "http_client": client}})
    line = sys.stdin.readline()
    if not line:
        return 0
    request = json.loads(line)
    spec = request["spec"]
    workload = spec["workload"]
    try:
        if workload == "sleep":
            run = sleep_case(asyncio, spec)
        elif workload == "fan-out":
            run = fan_out_case(asyncio, spec)
        elif workload == "queue":
            run = queue_case(asyncio, spec)
        elif workload == "http":
            run = http_case(asyncio, spec, request["target"])
        else:
            say({"unsupported": "python-asyncio does not implement the %s workload" % workload})
            return 0
        asyncio.run(answer(run))
    except Fatal as e:
        say({"error": str(e)})
        return 0
    except Exception as e:  # one line for the row, the traceback for stderr
        import traceback

        traceback.print_exc()
        say({"error": "%s: %s" % (type(e).__name__, e)})
        return 0
    return 0


async def answer(run):
    """Runs the case and answers from inside the loop, then waits for stdin to close: while it
    waits, the executor threads the case used are still alive for the harness to count (the
    loop's shutdown joins them)."""
    start, end, outcome = await run
    say({"start_ns": start, "end_ns": end, "outcome": outcome})
    sys.stdin.read()


if __name__ == "__main__":
    sys.exit(main())
