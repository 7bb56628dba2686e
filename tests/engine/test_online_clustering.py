"""OnlineClusteringHook: KMeans initialisation, pseudo labels on the data
samples, ODC memory / centroid updates, checkpointing, errors, and SAMix-C
through the real mmengine Runner."""
import copy
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.runner import Runner
from mmpretrain.structures import DataSample
from torch.utils.data import DataLoader, Dataset

from mixtoolbox.engine.hooks import OnlineClusteringHook
from tests import standin_data

CENTRES = torch.tensor([[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0]])


class Blobs(Dataset):
    """Sample i is a point near centre i % 3 (both "views" equal)."""

    def __init__(self, n=12):
        g = torch.Generator().manual_seed(0)
        self.points = CENTRES[torch.arange(n) % 3] + 0.05 * torch.randn(
            n, 4, generator=g)

    def __len__(self):
        return len(self.points)

    def __getitem__(self, i):
        return dict(inputs=[self.points[i], self.points[i]],
                    data_samples=DataSample(metainfo=dict(sample_idx=i)))

    def get_data_info(self, i):
        """The clean image: here the point itself, one view."""
        return dict(inputs=self.points[i],
                    data_samples=DataSample(metainfo=dict(sample_idx=i)))


class StubModel:
    keep_cluster_feats = False
    cluster_feats = None

    def data_preprocessor(self, data, training):
        inputs = data['inputs']
        inputs = ([torch.stack(v) for v in inputs]
                  if isinstance(inputs[0], (list, tuple))
                  else torch.stack(inputs))
        return dict(inputs=inputs, data_samples=data['data_samples'])

    def cluster_features(self, x):
        return F.normalize(x, dim=1)


def runner(model=None, n=12, it=0, epoch=0):
    loader = DataLoader(Blobs(n), batch_size=4, collate_fn=pseudo_collate)
    return SimpleNamespace(model=model or StubModel(), train_dataloader=loader,
                           iter=it, epoch=epoch)


def hook_for(**kwargs):
    """Blobs have no pipeline: the clean pass reads get_data_info as is."""
    return OnlineClusteringHook(fill_pipeline=[], min_cluster=2, **kwargs)


def test_kmeans_init_pseudo_labels_and_memory_update():
    hook = hook_for(num_clusters=3, centroid_interval=2,
                    memory_momentum=0.75)
    run = runner()
    hook.before_train(run)
    assert run.model.keep_cluster_feats
    labels = hook.labels.view(4, 3)  # row r = samples 3r .. 3r + 2
    assert (labels == labels[0]).all() and len(set(labels[0].tolist())) == 3

    batch = pseudo_collate([Blobs()[i] for i in (0, 1, 2, 5)])
    hook.before_train_iter(run, 0, batch)
    attached = [int(s.pseudo_label) for s in batch['data_samples']]
    assert attached == hook.labels[[0, 1, 2, 5]].tolist()

    # sample 0 moves onto centre 1: memory = normalise(¼ old + ¾ new) and
    # its label becomes the most similar centroid's (cosine)
    old = hook.feats[[0, 1, 2, 5]].clone()
    new = F.normalize(CENTRES[[1, 1, 2, 2]], dim=1)
    run.model.cluster_feats = new
    centroids = hook.centroids.clone()
    hook.after_train_iter(run, 0, batch)
    expected = F.normalize(0.25 * old + 0.75 * new, dim=1)
    assert torch.allclose(hook.feats[[0, 1, 2, 5]], expected)
    nearest = (expected @ F.normalize(centroids, dim=1).t()).argmax(1)
    assert hook.labels[[0, 1, 2, 5]].tolist() == nearest.tolist()
    assert hook.labels[0] == hook.labels[1]
    assert run.model.cluster_feats is None
    assert torch.equal(hook.centroids, centroids)  # iteration 1 of 2

    run.iter = 1
    hook.before_train_iter(run, 1, batch)
    run.model.cluster_feats = new
    hook.after_train_iter(run, 1, batch)
    for c in range(3):
        members = hook.feats[hook.labels == c]
        assert torch.allclose(hook.centroids[c],
                              F.normalize(members.mean(0), dim=0), atol=1e-6)
    # ODC's class re-weighting: ∝ n_c^(-1/2), mean 1
    n_c = torch.bincount(hook.labels, minlength=3).float()
    expected = n_c.pow(-0.5) / n_c.pow(-0.5).mean()
    assert torch.allclose(run.model.cluster_weights, expected, atol=1e-4)


def test_reinit_and_checkpoint_round_trip():
    hook = hook_for(num_clusters=3, reinit_interval=1)
    run = runner()
    hook.before_train(run)
    hook.feats[:] = F.normalize(CENTRES[(torch.arange(12) + 1) % 3], dim=1)
    hook.after_train_epoch(run)  # KMeans again on the changed memory
    labels = hook.labels.view(4, 3)
    assert (labels == labels[0]).all()
    checkpoint = {}
    hook.before_save_checkpoint(run, checkpoint)
    other = hook_for(num_clusters=3)
    other.after_load_checkpoint(run, copy.deepcopy(checkpoint))
    assert torch.equal(other.labels, hook.labels)
    assert torch.equal(other.centroids, hook.centroids)
    other.before_train(run)  # resumed: no new clustering pass
    assert torch.equal(other.feats, hook.feats)


def test_bad_input():
    with pytest.raises(ValueError, match='num_clusters'):
        OnlineClusteringHook(num_clusters=1)
    with pytest.raises(ValueError, match='memory_momentum'):
        OnlineClusteringHook(memory_momentum=0)
    with pytest.raises(ValueError, match='min_cluster'):
        OnlineClusteringHook(min_cluster=-1)
    with pytest.raises(ValueError, match='reweight_pow'):
        OnlineClusteringHook(reweight_pow=-0.5)
    with pytest.raises(ValueError, match='fill_pipeline'):
        OnlineClusteringHook(num_clusters=3).before_train(runner())
    with pytest.raises(ValueError, match='larger than the training set'):
        hook_for(num_clusters=13).before_train(runner())
    with pytest.raises(TypeError, match='cluster_features'):
        OnlineClusteringHook(num_clusters=3).before_train(
            runner(model=SimpleNamespace()))
    model = StubModel()
    model.num_clusters = 5
    with pytest.raises(ValueError, match='differs'):
        OnlineClusteringHook(num_clusters=3).before_train(runner(model))


def test_samix_c_config_through_runner(tmp_path):
    """The SAMix-C Fashion-MNIST path end to end: real dataset indices,
    pseudo labels through the data preprocessor, checkpoint with memory."""
    root = standin_data.make_fashion_mnist_standin(str(tmp_path / 'fm'))
    cfg = Config.fromfile(
        'configs/selfsup/samix-c_resnet18-w8_1xb64-coslr-2e_fashion-mnist.py')
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_dataloader.update(batch_size=4, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.dataset.update(data_root=root, indices=None)
    cfg.model.update(queue_len=8, num_clusters=3)
    cfg.custom_hooks[-1].update(num_clusters=3)
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.logger.interval = 1
    run = Runner.from_cfg(cfg)
    run.train()
    hook = [h for h in run.hooks if isinstance(h, OnlineClusteringHook)][0]
    assert hook.feats.shape == (16, 128) and hook.labels.max() < 3
    ckpt = torch.load(tmp_path / 'work' / 'epoch_1.pth', weights_only=False)
    assert torch.equal(ckpt['online_clustering']['labels'], hook.labels)
    assert np.isfinite(run.message_hub.get_scalar(
        'train/loss_cluster').current())
