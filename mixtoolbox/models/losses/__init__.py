from .eta_balanced import EtaBalancedLoss, split_mixup_ce  # noqa: F401
