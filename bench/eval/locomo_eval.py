#!/usr/bin/env python3
"""Evidence recall of POST /chunks on LoCoMo conversations, through the real HTTP API.

Starts build/engramd on 127.0.0.1 (port 0, fresh data directory), ingests each conversation of the
data file as one user (each turn an event: event_id = dia_id, type "message", timestamp = its session
date, content "Speaker: text" plus " [image: caption]", metadata speaker and session), asks /chunks
(seed 002 dialect, top_k 20) with each question as the user turn, maps the results to dia_ids through
source_ids and prints evidence recall@1/5/10/20 per category (1 multi-hop, 2 temporal, 3 open-domain,
4 single-hop) and overall. Category 5 (adversarial) is left out, as in the data's README.

  locomo_eval.py [--build build] [--data ../shared/data/locomo/locomo-dev.json] [--engramd-arg ...]
                 [--dump results.jsonl]
"""
import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime

KEY = "eval_key_0123456789abcdef"
KS = (1, 5, 10, 20)
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}
EVIDENCE_RE = re.compile(r"D\s*:?\s*(\d+)\s*:\s*(\d+)")


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"x-api-key": KEY, "Content-Type": "application/json"}
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        payload = resp.read()
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path} -> {resp.status}: {payload[:300]!r}")
        return json.loads(payload)


def session_time(text):
    # "1:56 pm on 8 May, 2023"
    dt = datetime.strptime(text.strip(), "%I:%M %p on %d %B, %Y")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def sessions(conv):
    n = 1
    while f"session_{n}" in conv:
        turns = conv[f"session_{n}"]
        stamp = conv.get(f"session_{n}_date_time")
        if isinstance(turns, list) and stamp:
            yield n, session_time(stamp), turns
        n += 1


def evidence_ids(qa, known):
    ids = []
    for ev in qa.get("evidence", []):
        for m in EVIDENCE_RE.finditer(ev):
            dia = f"D{int(m.group(1))}:{int(m.group(2))}"
            if dia in known and dia not in ids:
                ids.append(dia)
    return ids


def start_server(build, extra):
    tmp = tempfile.mkdtemp(prefix="engram-eval-")
    port_file = os.path.join(tmp, "port")
    args = [os.path.join(build, "engramd"), "--listen", "127.0.0.1:0", "--data-dir", os.path.join(tmp, "data"),
            "--port-file", port_file, "--api-keys", KEY, "--rate-limit-other", "0", "--log-level", "warn"] + extra
    proc = subprocess.Popen(args)
    deadline = time.time() + 30
    while time.time() < deadline:
        if os.path.exists(port_file):
            with open(port_file) as f:
                text = f.read().strip()
            if text:
                return proc, int(text)
        if proc.poll() is not None:
            sys.exit(f"engramd exited with {proc.returncode}")
        time.sleep(0.02)
    proc.kill()
    sys.exit("engramd did not start")


def ingest(client, sample):
    user = "locomo-" + sample["sample_id"]
    client.call("POST", "/register", {"user_id": user})
    conv = sample["conversation"]
    known = set()
    batch = []

    def flush():
        if batch:
            client.call("POST", "/ingest", {"user_id": user, "source": "locomo", "events": list(batch)})
            batch.clear()

    for n, stamp, turns in sessions(conv):
        for turn in turns:
            content = f"{turn['speaker']}: {turn['text']}"
            if turn.get("blip_caption"):
                content += f" [image: {turn['blip_caption']}]"
            known.add(turn["dia_id"])
            batch.append({"event_id": turn["dia_id"], "type": "message", "timestamp": stamp, "content": content,
                          "metadata": {"speaker": turn["speaker"], "session": f"session_{n}",
                                       "session_id": f"session_{n}"}})
            if len(batch) == 100:
                flush()
    flush()
    return user, known


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--data", default=os.path.join(root, "..", "shared", "data", "locomo", "locomo-dev.json"))
    ap.add_argument("--engramd-arg", action="append", default=[])
    ap.add_argument("--dump", help="write one JSON line per question with its ranked dia_ids")
    ap.add_argument("--settle-seconds", type=float, default=0.0,
                    help="wait after ingest (lets background work such as embeddings finish)")
    opts = ap.parse_args()

    with open(opts.data) as f:
        data = json.load(f)
    proc, port = start_server(opts.build, opts.engramd_arg)
    dump = open(opts.dump, "w") if opts.dump else None
    try:
        client = Client(port)
        t0 = time.time()
        users = [ingest(client, sample) for sample in data]
        ingest_s = time.time() - t0
        if opts.settle_seconds:
            time.sleep(opts.settle_seconds)
        sums = {c: [0.0] * len(KS) for c in CATEGORIES}
        counts = {c: 0 for c in CATEGORIES}
        latencies = []
        for sample, (user, known) in zip(data, users):
            for qa in sample["qa"]:
                cat = qa.get("category")
                if cat not in CATEGORIES:
                    continue
                gold = evidence_ids(qa, known)
                if not gold:
                    continue
                t = time.time()
                res = client.call("POST", "/chunks", {"user_id": user, "top_k": 20,
                                                      "conversation": [{"role": "user", "content": qa["question"]}]})
                latencies.append((time.time() - t) * 1000)
                ranked = []
                for r in res["results"]:
                    for sid in r.get("source_ids", []):
                        if sid not in ranked:
                            ranked.append(sid)
                counts[cat] += 1
                for i, k in enumerate(KS):
                    # Recall over the top-k results' source records.
                    top = set()
                    for r in res["results"][:k]:
                        top.update(r.get("source_ids", []))
                    sums[cat][i] += len(top & set(gold)) / len(gold)
                if dump:
                    dump.write(json.dumps({"sample": sample["sample_id"], "category": cat, "question": qa["question"],
                                           "gold": gold, "ranked": ranked[:20]}) + "\n")
        total = sum(counts.values())
        print(f"LoCoMo evidence recall ({os.path.basename(opts.data)}, {total} questions, "
              f"ingest {ingest_s:.1f} s, /chunks p50 {sorted(latencies)[len(latencies)//2]:.1f} ms)")
        print(f"{'category':<14}{'n':>5}" + "".join(f"{'R@'+str(k):>8}" for k in KS))
        for c, name in CATEGORIES.items():
            if counts[c]:
                print(f"{str(c)+' '+name:<14}{counts[c]:>5}" + "".join(f"{100*s/counts[c]:>8.1f}" for s in sums[c]))
        overall = [sum(sums[c][i] for c in CATEGORIES) / total for i in range(len(KS))]
        print(f"{'overall':<14}{total:>5}" + "".join(f"{100*v:>8.1f}" for v in overall))
    finally:
        if dump:
            dump.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
