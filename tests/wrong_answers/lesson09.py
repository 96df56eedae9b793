"""Wrong answers to lesson 09's exercises (see README.md in this folder)."""

from wrong import Wrong

_COUNTS = ('my_counts = {"conv_params": 5 * 5 * 3 * 8 + 8, "conv_macs": 12 * 12 * (5 * 5 * 3 * 8),\n'
           '             "dense_params": (16 * 16 * 3) * (12 * 12 * 8) + 12 * 12 * 8,\n'
           '             "dense_macs": (16 * 16 * 3) * (12 * 12 * 8)}\n')

WRONG = {
    "09.1": [
        Wrong("k = kernel.shape[0] used for both sides: a non-square kernel breaks "
              "(review: accepted before)",
              "def conv2d_single(image, kernel):\n    k = kernel.shape[0]\n"
              "    out = np.empty((image.shape[0] - k + 1, image.shape[1] - k + 1))\n"
              "    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n"
              "            out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)\n    return out",
              says="not square"),
        Wrong("one output position too few on each side (H - kh instead of H - kh + 1)",
              "def conv2d_single(image, kernel):\n    kh, kw = kernel.shape\n"
              "    out = np.empty((image.shape[0] - kh, image.shape[1] - kw))\n"
              "    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n"
              "            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)\n    return out",
              says="shape"),
        Wrong("the kernel flipped (the mathematicians' convolution, not Keras's)",
              "def conv2d_single(image, kernel):\n    kh, kw = kernel.shape\n    kernel = kernel[::-1, ::-1]\n"
              "    out = np.empty((image.shape[0] - kh + 1, image.shape[1] - kw + 1))\n"
              "    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n"
              "            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)\n    return out",
              says="is off"),
    ],
    "09.2": [
        Wrong("the conv layer's biases forgotten",
              _COUNTS.replace("5 * 5 * 3 * 8 + 8,", "5 * 5 * 3 * 8,"), says="one bias per filter"),
        Wrong("the conv multiply-adds counted at all 16 x 16 input positions",
              _COUNTS.replace('"conv_macs": 12 * 12', '"conv_macs": 16 * 16'), says="12 x 12"),
        Wrong("the dense layer's biases forgotten",
              _COUNTS.replace(" + 12 * 12 * 8,", ","), says="one bias per unit"),
    ],
    "09.3": [
        Wrong("the dense net: as if a weight per pixel coped better with a shift",
              'my_shift_answer = "the dense net"', says="one-pixel shift"),
        Wrong("about the same, without comparing the two losses",
              'my_shift_answer = "about the same"', says="one-pixel shift"),
    ],
}
