"""Data-parallel training on one versus two devices: images per second through the shared training step of `cpd`
at 32 px (demo networks, minibatch 32) with the CPU as one device and split into two (SYNTHBENCH_CPU_DEVICES).
On a CPU the split gains nothing (both replicas share the same cores); the row proves the multi-device path runs
and says what it costs. Each device count runs in its own process: devices are fixed when TensorFlow starts.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from synthbench.runtime import CPU_DEVICES_VARIABLE

REPO = Path(__file__).resolve().parents[1]
STEPS = 20


def _child(folder: Path) -> None:
    """In the child process: trains STEPS steps after two warm-up steps and prints images/s as JSON."""
    import time

    import tensorflow as tf

    from bench.gan_throughput import _arm, _section, _trainer
    from synthbench.gans import registry
    from synthbench.runtime import configure, strategy

    configure(seed=0)
    images = _arm(folder)
    trainer = _trainer("cpd", registry.entry("cpd").load(), _section("demo.yaml", "cpd", 32), images, folder,
                       strategy())
    phase = trainer.settings.schedule.at(0.0)
    trainer.set_phase(phase)
    stream = iter(images.stream(0, phase.minibatch))
    lod, beta = tf.constant(phase.lod), tf.constant(0.99)
    for _ in range(2):
        trainer.step(*next(stream), lod, beta)
    start = time.perf_counter()
    for _ in range(STEPS):
        losses = trainer.step(*next(stream), lod, beta)
    float(losses[0])
    print(json.dumps({"rate": STEPS * phase.minibatch / (time.perf_counter() - start),
                      "replicas": trainer.strategy.num_replicas_in_sync}))


def run() -> list[dict]:
    rates = {}
    with tempfile.TemporaryDirectory() as folder:
        for devices in (1, 2):
            environment = {**os.environ, CPU_DEVICES_VARIABLE: str(devices), "TF_CPP_MIN_LOG_LEVEL": "2",
                           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
            result = subprocess.run([sys.executable, "-m", "bench.replica_throughput", folder], env=environment,
                                    capture_output=True, text=True, check=True, cwd=REPO)
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            assert measured["replicas"] == devices
            rates[devices] = measured["rate"]
    return [{"name": "GAN cpd training at 32 px, demo networks, minibatch 32, CPU split into 2 devices",
             "unit": "images/s", "figure": round(rates[2], 1), "baseline": round(rates[1], 1),
             "baseline_name": "the same on the CPU as one device", "ratio": round(rates[2] / rates[1], 2),
             "goal": "runs (no gain expected on a CPU)"}]


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
