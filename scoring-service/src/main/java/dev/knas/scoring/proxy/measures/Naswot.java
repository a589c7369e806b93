package dev.knas.scoring.proxy.measures;

import com.google.auto.service.AutoService;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyException;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.Set;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * NASWOT: with c the binary code of each ReLU input being positive (per image), K = sum over every ReLU
 * application of c c^T + (1 - c)(1 - c)^T counts the units on which two images agree; score = ln|det K|.
 */
@AutoService(ZeroCostProxy.class)
public final class Naswot implements ZeroCostProxy {

  @Override
  public String name() {
    return "naswot";
  }

  @Override
  public String description() {
    return "ln|det K| of the kernel of agreeing ReLU activation codes over the mini-batch";
  }

  @Override
  public String source() {
    return "Mellor et al., ICML 2021 (v2); NASLib 'nwot'";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.RELU_CODES);
  }

  @Override
  public double compute(ProxyPasses passes) {
    RealMatrix k = MatrixUtils.createRealMatrix(passes.reluCodes());
    // Partial-pivoting LU, as torch.linalg.slogdet: ln|det K| is the sum of ln|U_ii|; only an exactly zero
    // pivot (K's counts are integers) makes K singular.
    LUDecomposition lu = new LUDecomposition(k, Double.MIN_NORMAL);
    RealMatrix u = lu.getU();
    if (u == null) {
      throw new ProxyException("naswot is ln 0 = -Infinity: K is singular (two images share every ReLU code)");
    }
    double logDet = 0;
    for (int i = 0; i < u.getRowDimension(); i++) {
      logDet += Math.log(Math.abs(u.getEntry(i, i)));
    }
    return logDet;
  }
}
