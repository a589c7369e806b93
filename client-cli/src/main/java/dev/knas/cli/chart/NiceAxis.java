package dev.knas.cli.chart;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An axis range that holds given values and ends on multiples of a round step (1, 2, 2.5 or 5 times a power of
 * ten), so that the ticks read as round numbers.
 */
public record NiceAxis(double min, double max, double step) {

  private static final double[] MULTIPLES = {1, 2, 2.5, 5, 10};

  /** The range holding {@code low}..{@code high} with a step giving about {@code ticks} intervals. */
  public static NiceAxis covering(double low, double high, int ticks) {
    if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
      throw new IllegalArgumentException("no range to cover: " + low + ".." + high);
    }
    double span = high > low ? high - low : Math.max(Math.abs(low), 1) / 10;
    double step = roundStep(span / Math.max(1, ticks));
    double min = round(Math.floor(low / step + 1e-9) * step, step);
    double max = round(Math.ceil(high / step - 1e-9) * step, step);
    return new NiceAxis(min, max > min ? max : round(min + step, step), step);
  }

  /** The smallest round step at least {@code raw} (positive). */
  public static double roundStep(double raw) {
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double multiple : MULTIPLES) {
      double step = round(multiple * power, power / 10);
      if (step >= raw * (1 - 1e-9)) {
        return step;
      }
    }
    return 10 * power;
  }

  /** {@code value} without the binary noise below {@code step}'s last digit. */
  private static double round(double value, double step) {
    int scale = Math.max(0, BigDecimal.valueOf(step).stripTrailingZeros().scale()) + 1;
    return BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_EVEN).doubleValue();
  }
}
