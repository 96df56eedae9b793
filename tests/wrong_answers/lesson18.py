"""Wrong answers to lesson 18's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "18.1": [
        Wrong("each machine lists only itself: the workers would never find each other",
              "def my_tf_config(hosts, index):\n"
              "    return {'cluster': {'worker': [hosts[index]]}, 'task': {'type': 'worker', "
              "'index': 0}}",
              says="full list of workers"),
        Wrong("the first machine typed 'chief' while the cluster lists only workers",
              "def my_tf_config(hosts, index):\n"
              "    kind = 'chief' if index == 0 else 'worker'\n"
              "    return {'cluster': {'worker': list(hosts)}, 'task': {'type': kind, 'index': index}}",
              says="a task type must be a job the cluster lists"),
        Wrong("indices counted from 1",
              "def my_tf_config(hosts, index):\n"
              "    return {'cluster': {'worker': list(hosts)}, 'task': {'type': 'worker', "
              "'index': index + 1}}",
              says="has task"),
    ],
    "18.2": [
        Wrong("the plain mean gradient of each shard, not weighted by its share",
              "def my_shard_contributions(w, b, x, y, n_replicas):\n"
              "    return [gradient(w, b, xs, ys)[0] / n_replicas for xs, ys in "
              "zip(np.array_split(x, n_replicas), np.array_split(y, n_replicas))]",
              says="uneven split"),
        Wrong("interleaved shards x[k::n] instead of consecutive ones",
              "def my_shard_contributions(w, b, x, y, n_replicas):\n"
              "    return [gradient(w, b, x[k::n_replicas], y[k::n_replicas])[0] "
              "* len(y[k::n_replicas]) / len(y) for k in range(n_replicas)]",
              says="consecutive"),
        Wrong("no sharding: every replica gets an equal share of the full gradient",
              "def my_shard_contributions(w, b, x, y, n_replicas):\n"
              "    return [gradient(w, b, x, y)[0] / n_replicas] * n_replicas",
              says="is off"),
    ],
    "18.3": [
        Wrong("any non-zero gap read as a real difference",
              "my_ragged_gap = largest_difference(train_with_fit(one_device, batch=ragged_batch)[1],\n"
              "                                   train_with_fit(mirrored, batch=ragged_batch)[1])\n"
              "my_ragged_answer = 'a real difference' if my_ragged_gap > 0 else 'round-off only'",
              says="your gap is"),
        Wrong("an answer that is not one of the options",
              "my_ragged_gap = 0.0\nmy_ragged_answer = 'the same'",
              says="pick one of"),
    ],
}
