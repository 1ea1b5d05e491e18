"""Batch scoring of JSONL files (`rewardkit score`), one module per part of the pipeline:

    run.py         score_file: the reader, the ordered writer, checkpoints and the summary
    chunk.py       the worker side: raw lines in, output bytes and error records out
    executors.py   in-process, process-pool and (ray_actors.py) Ray executors
    progress.py    the progress file behind --resume
    stats.py       mergeable run statistics and the summary table
    cli.py         the `score` subcommand

Each module imports only those listed below it in the pipeline (run -> executors -> chunk -> stats), so
there is no import cycle; ray is imported only by ray_actors, only for `--backend ray`.
"""

from rewardkit.batch.chunk import ChunkResult, ChunkScorer
from rewardkit.batch.progress import Progress, fingerprint, progress_path
from rewardkit.batch.run import score_file

__all__ = ["ChunkResult", "ChunkScorer", "Progress", "fingerprint", "progress_path", "score_file"]
