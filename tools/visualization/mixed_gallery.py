#!/usr/bin/env python
"""Draw what a config's mixup does: a PNG grid with one column per sample and
the rows x_i, x_j, mask s_i (white = x_i; a grey level for mixups whose share
is the same at every pixel) and the mixed image, λ written under each column.
The grid is the one ``MixedGalleryHook`` saves during training.

The code is :mod:`mixtoolbox.apis.mixed_gallery` (details in its docstring);
``--help`` lists the options.
"""
from mixtoolbox.apis.mixed_gallery import cli

if __name__ == '__main__':
    cli()
