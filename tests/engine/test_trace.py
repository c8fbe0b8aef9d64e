"""Backward node by node, against torch.autograd.grad of the output w.r.t. each intermediate."""

from __future__ import annotations

import pytest
import torch

from playground import Session


def _t(value: object) -> torch.Tensor:
    return torch.tensor(value)


def test_first_autograd_example_node_by_node() -> None:
    s = Session(params={"x": [1.0, 2.0, -0.5]},
                forward="y = x + 2\nz = y * y * 3\nloss = z.mean()")
    s.forward()
    s.backward()
    nodes = s.backward_trace()
    assert [n.label for n in nodes] == ["MeanBackward0", "MulBackward0", "MulBackward0",
                                        "AddBackward0", "AccumulateGrad"]
    assert [n.tensor for n in nodes] == ["loss", "z", None, "y", "x"]
    # the oracle: plain torch, the same lines, autograd.grad w.r.t. each intermediate
    x = torch.tensor([1.0, 2.0, -0.5], requires_grad=True)
    y = x + 2
    yy = y * y
    z = yy * 3
    loss = z.mean()
    d_loss, d_z, d_yy, d_y, d_x = torch.autograd.grad(loss, [loss, z, yy, y, x])
    for node, expected in zip(nodes, [d_loss, d_z, d_yy, d_y, d_x], strict=True):
        assert torch.equal(_t(node.grad_in), expected), node.label
    # what each node passed on is what its input received (per edge)
    mean, mul3, mul_yy, add, acc = nodes
    assert torch.equal(_t(mean.grads_out[0]), d_z)
    assert torch.equal(_t(mul3.grads_out[0]), d_yy) and mul3.grads_out[1] is None
    assert mul3.targets == [2, None]
    # y is used twice by y * y: the AddBackward0 node gets two contributions and sums them
    assert mul_yy.targets == [3, 3]
    assert [i for i, _ in add.sources] == [2, 2]
    assert torch.equal(_t(add.sources[0][1]) + _t(add.sources[1][1]), d_y)
    assert add.grads_out[1] is None  # the constant 2 needs no gradient
    assert acc.old_grad is None and torch.equal(_t(acc.new_grad), d_x)
    assert torch.equal(_t(acc.new_grad), _t(s.grad("x")))
    assert [n.index for n in nodes] == list(range(5))
    graph = s.graph()
    assert [graph.nodes[n.graph_index].label for n in nodes] == [n.label for n in nodes]


def test_accumulate_grad_shows_old_plus_this_backward() -> None:
    s = Session(params={"weights": "ones(4)"}, forward="model_output = (weights * 3).sum()",
                update="manual")
    for _ in range(3):
        s.forward()
        s.backward()
    acc = s.backward_trace()[-1]
    assert acc.label == "AccumulateGrad" and acc.tensor == "weights"
    w = torch.ones(4, requires_grad=True)
    for _ in range(2):
        (w * 3).sum().backward()
    old = w.grad.clone()
    (w * 3).sum().backward()
    assert torch.equal(_t(acc.old_grad), old)  # 6
    assert torch.equal(_t(acc.grad_in), torch.full((4,), 3.0))
    assert torch.equal(_t(acc.new_grad), w.grad)  # 9 = 6 + 3
    assert torch.equal(_t(acc.old_grad) + _t(acc.grad_in), _t(acc.new_grad))


def test_a_param_reached_by_two_paths_shows_both_contributions() -> None:
    s = Session(params={"w": [0.5, -1.0], "b": 0.25}, inputs={"x": [2.0, 3.0]},
                forward="a = (w * x).sum()\nc = (w * w).sum() * b\nout = a + c")
    s.forward()
    s.backward()
    nodes = s.backward_trace()
    acc_w = next(n for n in nodes if n.label == "AccumulateGrad" and n.tensor == "w")
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    b = torch.tensor(0.25, requires_grad=True)
    x = torch.tensor([2.0, 3.0])
    wx = w * x
    ww = w * w
    out = wx.sum() + ww.sum() * b
    g_wx, g_ww = torch.autograd.grad(out, [wx, ww], retain_graph=True)
    (g_w,) = torch.autograd.grad(out, [w])
    # paths: w*x (one edge) and w*w (two edges); the contributions add up to w.grad
    assert len(acc_w.sources) == 3
    total = sum(_t(g) for _, g in acc_w.sources)
    torch.testing.assert_close(total, g_w, rtol=0, atol=1e-7)
    assert torch.equal(_t(acc_w.grad_in), g_w)
    senders = {nodes[i].label for i, _ in acc_w.sources}
    assert senders == {"MulBackward0"}
    by_sender = {i: [] for i, _ in acc_w.sources}
    for i, g in acc_w.sources:
        by_sender[i].append(_t(g))
    contributions = sorted(by_sender.values(), key=len)
    assert torch.equal(contributions[0][0], g_wx * x)  # d(w*x)/dw
    assert torch.equal(contributions[1][0], g_ww * w)  # each side of w*w


def test_trace_follows_backward_of_another_tensor_and_a_gradient() -> None:
    s = Session(params={"x": [2.0, 3.0, 4.0]}, forward="y = x ** 2\nz = y * 2")
    s.forward()
    s.backward(gradient=[1.0, 0.1, 0.01], of="y")
    nodes = s.backward_trace()
    assert [n.label for n in nodes] == ["PowBackward0", "AccumulateGrad"]
    assert nodes[0].tensor == "y" and nodes[0].grad_in == pytest.approx([1.0, 0.1, 0.01])
    x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    (g,) = torch.autograd.grad(x ** 2, [x], torch.tensor([1.0, 0.1, 0.01]))
    assert torch.equal(_t(nodes[1].grad_in), g)


def test_hooks_change_no_number_and_are_removed() -> None:
    s = Session(params={"w": "randn(5, 3)", "b": "randn(3)"},
                inputs={"x": "ones(5)", "y": "zeros(3)"},
                forward="z = torch.matmul(x, w) + b\n"
                        "loss = F.binary_cross_entropy_with_logits(z, y)", seed=4)
    s.forward()
    s.backward(retain_graph=True)
    g = torch.Generator().manual_seed(4)
    w = torch.randn(5, 3, generator=g).requires_grad_()
    b = torch.randn(3, generator=g).requires_grad_()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(torch.ones(5), w) + b,
                                                                torch.zeros(3))
    loss.backward()
    assert torch.equal(_t(s.grad("w")), w.grad) and torch.equal(_t(s.grad("b")), b.grad)
    assert len(s.backward_trace()) > 0
    # the hooks are gone: another backward on the retained graph, outside the session,
    # reaches no hook (they would append to the capture's run order)
    ran = len(s._trace.order)  # type: ignore[union-attr]
    s.output_tensor.backward()
    assert len(s._trace.order) == ran  # type: ignore[union-attr]


def test_no_trace_before_a_backward_and_after_reset() -> None:
    s = Session(params={"w": 1.0}, forward="out = w * 3")
    assert s.backward_trace() == []
    s.iterate()
    assert [n.label for n in s.backward_trace()] == ["MulBackward0", "AccumulateGrad"]
    s.reset()
    assert s.backward_trace() == []


def test_tracing_can_be_switched_off_for_long_runs() -> None:
    kwargs = dict(params={"w": [1.0, -2.0]}, inputs={"x": [0.5, 3.0]}, forward="out = (w * x).sum() ** 2")
    s, t = Session(**kwargs), Session(**kwargs)
    t.trace_backward = False
    for session in (s, t):
        session.iterate()
    assert t.backward_trace() == [] and len(s.backward_trace()) > 0
    assert s.value("w") == t.value("w") and s.grad("w") == t.grad("w")


@pytest.mark.parametrize("every", [256, 2])
def test_goto_brings_back_the_trace_of_that_moment(every: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("playground.time_travel.CHECKPOINT_EVERY", every)  # 2: from checkpoints
    s = Session(params={"w": [1.0, 2.0]}, forward="out = (w * w).sum()", update="manual")
    traces = []
    for _ in range(3):
        s.forward()
        s.backward()
        traces.append((s.position, s.backward_trace()))
        s.step()
    s.forward()
    for position, expected in traces:
        for moment in (position, position + 1, position + 2):  # backward, step, next forward
            s.goto(moment)
            assert s.backward_trace() == expected, moment
