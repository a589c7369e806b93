package dev.knas.scoring.network;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's {@code torch.no_grad()} for the current thread. The engine records autograd graphs by default on
 * every thread, and DJL's gradient collector restores that default when it closes, so parameter updates (in
 * place on leaves that require gradients) and evaluation passes must turn recording off themselves.
 */
public final class NoGrad implements AutoCloseable {

  private final boolean before;

  public NoGrad() {
    before = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  @Override
  public void close() {
    JniUtils.setGradMode(before);
  }
}
