package dev.knas.scoring.proxy.measures;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyException;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.Set;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;

/**
 * Jacobian covariance: J_i = d(sum of logits of image i)/dx_i; C = the correlation matrix of the rows of J;
 * score = -sum over C's eigenvalues v of ln(v + 1e-5) + 1/(v + 1e-5).
 */
@AutoService(ZeroCostProxy.class)
public final class Jacov implements ZeroCostProxy {

  private static final double EPSILON = 1e-5;

  @Override
  public String name() {
    return "jacov";
  }

  @Override
  public String description() {
    return "score of the eigenvalues of the correlation matrix of the input Jacobians over the mini-batch";
  }

  @Override
  public String source() {
    return "Mellor et al., 2021 (v1 of 'Neural Architecture Search without Training'); NASLib 'jacov'";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.INPUT_JACOBIAN);
  }

  @Override
  public double compute(ProxyPasses passes) {
    NDArray rows = passes.inputJacobian();
    int b = (int) rows.getShape().get(0);
    double[] covariance;
    try (NDArray centred = rows.sub(rows.mean(new int[] {1}, true));
        NDArray products = centred.matMul(centred.transpose())) {
      covariance = products.toDoubleArray();
    }
    double[][] c = new double[b][b];
    for (int i = 0; i < b; i++) {
      double vi = covariance[i * b + i];
      if (!(vi > 0)) {
        throw new ProxyException("jacov is NaN: the Jacobian of image " + i + " is constant");
      }
      for (int j = 0; j < b; j++) {
        double r = covariance[i * b + j] / Math.sqrt(vi) / Math.sqrt(covariance[j * b + j]);
        // As torch.corrcoef, which clips rounding excursions to [-1, 1].
        c[i][j] = Math.max(-1, Math.min(1, r));
      }
    }
    double score = 0;
    for (double v : new EigenDecomposition(MatrixUtils.createRealMatrix(c)).getRealEigenvalues()) {
      score -= Math.log(v + EPSILON) + 1 / (v + EPSILON);
    }
    return score;
  }
}
