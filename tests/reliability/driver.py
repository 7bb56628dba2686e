"""Run ``tools/train.py`` and SIGKILL the process at a chosen point, as a
crash, an out-of-memory kill or a pre-empted node would.

    python -m tests.reliability.driver iter K  [train.py arguments]
    python -m tests.reliability.driver save K  [train.py arguments]

``iter K``: killed just before training iteration K (1-based) starts.
``save K``: killed in the middle of writing the K-th checkpoint file (half
of its bytes on disk).
"""
import os
import signal
import sys


def die():
    sys.stdout.flush()
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def kill_before_iter(k):
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    class KillHook(Hook):
        priority = 'LOWEST'

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            if runner.iter + 1 == k:
                die()

    train = Runner.train

    def train_then_die(self):
        self.register_hook(KillHook())
        return train(self)

    Runner.train = train_then_die


def kill_in_save(k):
    from mmengine.fileio import LocalBackend
    put = LocalBackend.put
    count = [0]

    def half_put(self, obj, filepath):
        if str(filepath).endswith('.pth') or '.pth.' in str(filepath):
            count[0] += 1
            if count[0] == k:
                with open(filepath, 'wb') as f:
                    f.write(obj[:len(obj) // 2])
                    f.flush()
                    os.fsync(f.fileno())
                die()
        return put(self, obj, filepath)

    LocalBackend.put = half_put


def main():
    mode, k, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    {'iter': kill_before_iter, 'save': kill_in_save}[mode](k)
    from mixtoolbox.apis import train
    train.main(argv)


if __name__ == '__main__':
    main()
