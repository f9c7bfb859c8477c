"""Enriching a corpus in parts, on one machine or a Dask cluster.

An enrichment run splits the input into partitions (:mod:`index.enrichment.plan`), runs NER on
each and keeps the mentions in a checkpoint per partition (:mod:`index.enrichment.checkpoint`),
then runs the corpus pass as map/merge/decide rounds (:mod:`index.entities.rounds`) over the
checkpoints (:mod:`index.enrichment.tasks`) and writes enriched shards and an entity table
(:mod:`index.enrichment.shards`). The Dask-free parts live here; :mod:`index.enrichment.cluster`
drives them on Dask (an optional extra), :mod:`index.enrichment.load` builds a Whoosh index
from the shards without NER.
"""

#: Worker processes of the local cluster started when no scheduler is given.
DEFAULT_WORKERS = 2
#: Articles per partition: enough that a partition's NER batches keep a worker busy for
#: a few seconds, few enough that a killed run loses little.
DEFAULT_PARTITION_DOCS = 100
