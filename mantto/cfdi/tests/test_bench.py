"""``make bench`` keeps working: the CFDI benchmark runs end to end at a tiny size.

The figures themselves are not asserted (speed lives in the benchmark, not in tests);
what is asserted is that both engines accept every document of the bench's corpus, so a
ratio is never computed over documents one side rejected, and that every line the
closing notes quote is still printed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "cfdi_validate.py"


def test_the_cfdi_benchmark_runs_and_both_engines_accept_its_corpus():
    out = subprocess.run(
        [sys.executable, str(BENCH), "--docs", "30", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    rows = dict(re.findall(r"^(mantto|satcfdi)\s+[\d,]+\s+[\d,]+\s+(\d+)\s", out, re.M))
    assert rows == {"mantto": "0", "satcfdi": "0"}, out
    assert re.search(r"razón mantto / satcfdi: [\d.]+×", out), out
    assert "solo lo que revisa satcfdi" in out, out
    assert re.search(r"para 8× satcfdi: [\d,]+ µs por documento", out), out
