#!/usr/bin/env python
"""Convert an image and its instance label image (0 = background, one
integer per instance, e.g. StarDist / Cellpose ground truth) to an 8-bit RGB
PNG and a COCO JSON with one RLE mask per instance.

The code is :mod:`mixtoolbox.apis.label_image_to_coco` (details in its
docstring); ``--help`` lists the options.
"""
from mixtoolbox.apis.label_image_to_coco import main

if __name__ == '__main__':
    main()
