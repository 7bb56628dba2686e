#!/usr/bin/env python
"""Convert Pascal VOC XML box annotations to one COCO JSON file.

The code is :mod:`mixtoolbox.apis.voc_xml_to_coco` (details in its docstring);
``--help`` lists the options.
"""
from mixtoolbox.apis.voc_xml_to_coco import main

if __name__ == '__main__':
    main()
