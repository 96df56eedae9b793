"""Wrong answers to lesson 16's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "16.1": [
        Wrong("reshape instead of moving the axis: every column mixes channels and positions",
              "def my_batch_norm_nchw(x, gamma, beta):\n"
              "    c = x.shape[1]\n"
              "    return nn.batch_norm(x.reshape(-1, c), gamma, beta).reshape(x.shape)",
              says="is off"),
        Wrong("the unbiased variance (ddof=1), where Keras and the notes divide by N",
              "def my_batch_norm_nchw(x, gamma, beta):\n"
              "    m = x.mean(axis=(0, 2, 3), keepdims=True)\n"
              "    v = x.var(axis=(0, 2, 3), keepdims=True, ddof=1)\n"
              "    return gamma[None, :, None, None] * (x - m) / np.sqrt(v + 1e-3) "
              "+ beta[None, :, None, None]",
              says="is off"),
        Wrong("statistics over the batch axis only: one mean per channel AND position",
              "def my_batch_norm_nchw(x, gamma, beta):\n"
              "    m, v = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)\n"
              "    return gamma[None, :, None, None] * (x - m) / np.sqrt(v + 1e-3) "
              "+ beta[None, :, None, None]",
              says="is off"),
    ],
    "16.2": [
        Wrong("the gap stays: as if momentum changed nothing after a short run",
              "short = make_net(2, bn=True, momentum=0.9)\n"
              "short.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),\n"
              "              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n"
              "short.fit(x_tr, y_tr, epochs=n_short_steps, batch_size=len(x_tr), verbose=0)\n"
              "my_short_run_accuracies = [accuracy(short, x_te, y_te, True), "
              "accuracy(short, x_te, y_te, False)]\n"
              "my_momentum_answer = \"the gap stays about the same\"",
              says="your run says"),
        Wrong("the experiment run with another learning rate: not the same training",
              "short = make_net(2, bn=True, momentum=0.9)\n"
              "short.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5),\n"
              "              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n"
              "short.fit(x_tr, y_tr, epochs=n_short_steps, batch_size=len(x_tr), verbose=0)\n"
              "my_short_run_accuracies = [accuracy(short, x_te, y_te, True), "
              "accuracy(short, x_te, y_te, False)]\n"
              "my_momentum_answer = \"the gap shrinks\"",
              says="momentum never changes training"),
        Wrong("only one accuracy recorded, where the gap needs both modes",
              "my_short_run_accuracies = [0.9]\nmy_momentum_answer = \"the gap shrinks\"",
              says="two accuracies"),
    ],
    "16.3": [
        Wrong("the batch statistics' paths ignored: dx = dy * gamma / std, as if mean and variance "
              "were constants",
              "def my_layer_norm_backward(dy, x, gamma):\n"
              "    std = np.sqrt(x.var(axis=1, keepdims=True) + 1e-3)\n"
              "    x_hat = (x - x.mean(axis=1, keepdims=True)) / std\n"
              "    return dy * gamma / std, (dy * x_hat).sum(axis=0), dy.sum(axis=0)",
              says="dx is off"),
        Wrong("dgamma and dbeta summed over the features (axis 1) instead of the examples",
              "def my_layer_norm_backward(dy, x, gamma):\n"
              "    x_hat = nn.layer_norm(x, np.ones_like(gamma), np.zeros_like(gamma))\n"
              "    dx = nn.batch_norm_backward((dy * gamma).T, x.T, np.ones(len(x)))[0].T\n"
              "    return dx, (dy * x_hat).sum(axis=1), dy.sum(axis=1)",
              says="dgamma has shape"),
        Wrong("batch norm's backward pass without the transpose: statistics over the wrong axis",
              "def my_layer_norm_backward(dy, x, gamma):\n"
              "    return nn.batch_norm_backward(dy, x, gamma)",
              says="single example"),
    ],
}
