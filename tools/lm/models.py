# SPDX-License-Identifier: Apache-2.0
"""models.py - the character models of issue 13 (torch), shared by train.py
and npz_model.py. lm/MODELS.md gives the equations; keep the two in step.

Cells: 'gru' (torch.nn.GRU), 'lstm' (torch.nn.LSTM), 'hgrn' (the gated linear
recurrence below). Every model is: embedding -> recurrent layer(s) -> linear
readout to the vocabulary. Ternary QAT: see sherry_rows().
"""
import numpy as np
import torch
import torch.nn as nn

CELLS = ("gru", "lstm", "hgrn")
GATES = {"gru": 3, "lstm": 4, "hgrn": 3}


# ---------------------------------------------------------------------------
# Sherry 3:4 ternary, per row (mirrors golden/src/npe_quant.c npe_quantize_sherry()
# applied to each row of a row-major matrix)
# ---------------------------------------------------------------------------
def sherry_rows(w):
    """Sherry ternary of each row of w (R x C, C % 4 == 0), torch.

    In every group of 4 consecutive weights of a row the smallest |w| (the
    first on ties) becomes 0 and the other three sign(w) (+1 for w >= 0,
    -1 for w < 0); the row's scale is the mean |w| of the kept three in four.
    Returns (t, scale): t in {-1, 0, 1} (float), scale (R,) float32."""
    r, c = w.shape
    g = w.detach().reshape(r, c // 4, 4)
    zero = g.abs().argmin(dim=-1, keepdim=True)   # first minimum on ties
    keep = torch.ones_like(g).scatter_(-1, zero, 0.0)
    t = torch.where(g < 0, -torch.ones_like(g), torch.ones_like(g)) * keep
    kept = (g.abs().double() * keep.double()).sum(dim=(1, 2)) / (c // 4 * 3)
    scale = kept.float()
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    return t.reshape(r, c), scale


def sherry_rows_np(w):
    """The same in numpy, summing |w| in the C code's order (float64, one
    element after another), so the scale is bit-identical to the golden
    npe_quantize_sherry() of each row. Returns (t int8 R x C, scale float32 R)."""
    w = np.asarray(w, dtype=np.float32)
    r, c = w.shape
    g = np.abs(w.reshape(r, c // 4, 4))
    zero = np.argmin(g, axis=-1)                   # first minimum on ties
    keep = np.ones_like(g, dtype=bool)
    np.put_along_axis(keep, zero[..., None], False, axis=-1)
    t = np.where(w.reshape(r, c // 4, 4) < 0, -1, 1).astype(np.int8) * keep
    kept = np.cumsum(np.where(keep, g, 0).astype(np.float64).reshape(r, c), axis=1)[:, -1]
    scale = (kept / float(c // 4 * 3)).astype(np.float32)
    scale[~(scale > 0)] = 1.0
    return t.reshape(r, c).astype(np.int8), scale


class SherrySTE(torch.autograd.Function):
    """Forward: scale * ternary; backward: identity (straight-through)."""

    @staticmethod
    def forward(ctx, w):
        t, s = sherry_rows(w)
        return t * s[:, None]

    @staticmethod
    def backward(ctx, g):
        return g


# ---------------------------------------------------------------------------
# HGRN: gated linear recurrence with gates in [-1, 1]
# ---------------------------------------------------------------------------
class HGRN(nn.Module):
    """Stack of gated linear recurrences. Layer l, input x_t (D_l), state h (H):
        [za; zc; zg] = weight_ih_l{l} x_t + bias_ih_l{l}
        a_t = tanh(za), c_t = tanh(zc), g_t = sigmoid(zg)
        h_t = a_t * h_{t-1} + (1 - |a_t|) * c_t
        y_t = g_t * h_t          (the next layer's x_t; the readout's input)
    Parameters are named like torch.nn.GRU's: weight_ih_l{l}, bias_ih_l{l}."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        for l in range(num_layers):
            d = input_size if l == 0 else hidden_size
            w = nn.Parameter(torch.empty(3 * hidden_size, d))
            b = nn.Parameter(torch.empty(3 * hidden_size))
            nn.init.uniform_(w, -d ** -0.5, d ** -0.5)
            with torch.no_grad():
                b.zero_()
                # a starts in [0.5, 0.97] across units: some short, some long memories
                b[:hidden_size] = torch.atanh(torch.linspace(0.5, 0.97, hidden_size))
            setattr(self, "weight_ih_l%d" % l, w)
            setattr(self, "bias_ih_l%d" % l, b)

    def forward(self, x, h0, weights=None):
        """x (T, B, D), h0 (L, B, H) -> y (T, B, H), hT (L, B, H).
        weights: optional dict name -> tensor replacing parameters (QAT)."""
        H = self.hidden_size
        hs = []
        for l in range(self.num_layers):
            w = weights["weight_ih_l%d" % l] if weights else getattr(self, "weight_ih_l%d" % l)
            b = getattr(self, "bias_ih_l%d" % l)
            z = torch.addmm(b, x.reshape(-1, x.shape[-1]), w.t()).view(x.shape[0], x.shape[1], 3 * H)
            a = torch.tanh(z[..., :H])
            c = (1 - a.abs()) * torch.tanh(z[..., H:2 * H])
            g = torch.sigmoid(z[..., 2 * H:])
            h = h0[l]
            out = []
            # unbind, not a[t]: indexing makes backward O(T^2)
            for at, ct in zip(a.unbind(0), c.unbind(0)):
                h = at * h + ct
                out.append(h)
            hseq = torch.stack(out)
            hs.append(h)
            x = g * hseq
        return x, torch.stack(hs)


# ---------------------------------------------------------------------------
# The character model
# ---------------------------------------------------------------------------
class CharModel(nn.Module):
    """embed (V x E) -> rnn -> out (V x H). State: a tensor (gru, hgrn) or a
    (h, c) pair (lstm), each (layers, batch, hidden)."""

    def __init__(self, cell, vocab_size, embed_size, hidden_size, num_layers, quant="none"):
        super().__init__()
        if cell not in CELLS:
            raise ValueError("unknown cell %r (known: %s)" % (cell, ", ".join(CELLS)))
        self.cell, self.vocab_size = cell, vocab_size
        self.embed_size, self.hidden_size, self.num_layers = embed_size, hidden_size, num_layers
        self.quant = quant
        self.embed = nn.Embedding(vocab_size, embed_size)
        if cell == "gru":
            self.rnn = nn.GRU(embed_size, hidden_size, num_layers)
        elif cell == "lstm":
            self.rnn = nn.LSTM(embed_size, hidden_size, num_layers)
        else:
            self.rnn = HGRN(embed_size, hidden_size, num_layers)
        self.out = nn.Linear(hidden_size, vocab_size)

    def quant_names(self):
        """Names (in the .npz) of the matrices the ternary QAT quantises."""
        if self.quant == "none":
            return []
        names = [n for n, _ in self.rnn.named_parameters() if n.startswith("weight_")]
        if self.quant == "sherry-all":
            names.append("out.weight")
        return names

    def init_state(self, batch):
        z = torch.zeros(self.num_layers, batch, self.hidden_size)
        return (z, z.clone()) if self.cell == "lstm" else z

    def forward(self, x, state):
        """x (T, B) long -> logits (T, B, V), new state."""
        e = self.embed(x)
        qn = self.quant_names()
        qw = {n: SherrySTE.apply(p) for n, p in self.rnn.named_parameters() if n in qn}
        if self.cell == "hgrn":
            y, state = self.rnn(e, state, qw or None)
        elif not qw:
            y, state = self.rnn(e, state)
        else:
            flat = [qw.get(n, p) for n, p in zip(self.rnn._flat_weights_names, self.rnn._flat_weights)]
            if self.cell == "gru":
                y, h = torch._VF.gru(e, state, flat, True, self.num_layers, 0.0, self.training, False, False)
                state = h
            else:
                y, h, c = torch._VF.lstm(e, state, flat, True, self.num_layers, 0.0, self.training, False, False)
                state = (h, c)
        ow = SherrySTE.apply(self.out.weight) if "out.weight" in qn else self.out.weight
        return nn.functional.linear(y, ow, self.out.bias), state

    def npz_arrays(self):
        """{npz name: float32 array}: embed.weight, the rnn's own parameter
        names (weight_ih_l0, ...), out.weight, out.bias."""
        res = {"embed.weight": self.embed.weight}
        res.update({n: p for n, p in self.rnn.named_parameters()})
        res["out.weight"] = self.out.weight
        res["out.bias"] = self.out.bias
        return {k: v.detach().numpy().astype(np.float32) for k, v in res.items()}

    def expected_shapes(self):
        V, E, H, L, G = self.vocab_size, self.embed_size, self.hidden_size, self.num_layers, GATES[self.cell]
        s = {"embed.weight": (V, E), "out.weight": (V, H), "out.bias": (V,)}
        for l in range(L):
            d = E if l == 0 else H
            s["weight_ih_l%d" % l] = (G * H, d)
            s["bias_ih_l%d" % l] = (G * H,)
            if self.cell != "hgrn":
                s["weight_hh_l%d" % l] = (G * H, H)
                s["bias_hh_l%d" % l] = (G * H,)
        return s


def state_detach(s):
    return tuple(x.detach() for x in s) if isinstance(s, tuple) else s.detach()


@torch.no_grad()
def evaluate_bpc(model, ids, chunk=4096):
    """Bits per char of a text (list/tensor of symbol ids), one stream from a
    zero state: the mean of -log2 p(c_t | c_0..c_{t-1}) over t = 1..N-1."""
    was = model.training
    model.eval()
    ids = torch.as_tensor(ids, dtype=torch.long)
    n = ids.numel()
    state = model.init_state(1)
    total = 0.0
    for i in range(0, n - 1, chunk):
        x = ids[i:min(i + chunk, n - 1)]
        y = ids[i + 1:i + 1 + x.numel()]
        logits, state = model(x.view(-1, 1), state)
        total += nn.functional.cross_entropy(logits.view(-1, logits.shape[-1]), y,
                                             reduction="sum").item()
    model.train(was)
    return total / (n - 1) / np.log(2.0)
