"""Reference decodes of a few real images by Pillow, for the C++ decoder test (image_refs_test.cpp).

Usage: make_image_refs.py DATA_DIR OUT_DIR. Writes OUT_DIR/<name>.npy (uint8, H×W) holding Pillow's
convert("L") of each file, and OUT_DIR/index.txt listing "name<TAB>path" per line. Pillow's "L" uses the same
ITU-R 601-2 weights (0.299, 0.587, 0.114) that thorax states for color images, and ignores alpha.
"""
import os
import sys

import numpy as np
from PIL import Image

FILES = [
    ("nih_rgba", "nih/fullres/00000100_000.png"),
    ("nih_rgba2", "nih/fullres/00001369_000.png"),
    ("nih_gray", "nih/fullres/00000075_000.png"),
    ("nih_256", "nih/images256/00000282_000.png"),
    ("kermany_normal", "kermany/train/NORMAL/IM-0115-0001.jpeg"),
    ("kermany_virus", "kermany/train/PNEUMONIA/person1000_virus_1681.jpeg"),
    ("covid", "covid/images256/00870a9c.png"),
]


def main():
    data_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    lines = []
    for name, rel in FILES:
        path = os.path.join(data_dir, rel)
        if not os.path.exists(path):
            print(f"make_image_refs: {path} is absent; the C++ test skips without the data folder")
            continue
        gray = np.asarray(Image.open(path).convert("L"), dtype=np.uint8)
        np.save(os.path.join(out_dir, name + ".npy"), gray)
        lines.append(f"{name}\t{path}\n")
    with open(os.path.join(out_dir, "index.txt"), "w") as f:
        f.writelines(lines)
    print(f"make_image_refs: wrote {len(lines)} reference images to {out_dir}")


if __name__ == "__main__":
    main()
