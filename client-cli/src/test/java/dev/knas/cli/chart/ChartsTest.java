package dev.knas.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Axis;
import org.knowm.xchart.internal.chartpart.AxisPair;
import org.knowm.xchart.internal.chartpart.AxisTickCalculator;
import org.knowm.xchart.internal.chartpart.Chart;
import org.junit.jupiter.api.Test;

/** The ticks XChart draws on the bands charts, read back from the chart after drawing it. */
class ChartsTest {

  @Test
  void equallySpacedEvaluationsGetRoundTicks() throws Exception {
    // Evaluations 1..100 are equally spaced: XChart alone puts a tick on every few of them (1, 3, 5, ...).
    double[] x = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
    double[] mean = IntStream.rangeClosed(1, 100).mapToDouble(i -> 88 + 3 * (1 - 1.0 / i)).toArray();
    assertRoundTicks(List.of(new Charts.Band("random", x, mean, new double[100])));
  }

  @Test
  void anEquallySpacedCostGridGetsRoundTicks() throws Exception {
    // The grid of 200 costs up to 135.8 h that drew 1.4, 8.2, 15, 21.9 on the committed plot.
    double[] x = IntStream.rangeClosed(1, 200).mapToDouble(s -> 135.8 * s / 200).toArray();
    double[] mean = IntStream.rangeClosed(1, 200).mapToDouble(s -> 89 + 2.2 * s / 200).toArray();
    double[] spread = IntStream.rangeClosed(1, 200).mapToDouble(s -> 0.3).toArray();
    assertRoundTicks(List.of(new Charts.Band("knas", x, mean, spread)));
  }

  private static void assertRoundTicks(List<Charts.Band> bands) throws Exception {
    XYChart chart = Charts.bandsChart("t", "x", "y", bands);
    BitmapEncoder.getBufferedImage(chart);
    AxisPair<?, ?> axes = axes(chart);
    Method yAxis = AxisPair.class.getDeclaredMethod("getYAxis");
    yAxis.setAccessible(true);
    List<Double> xTicks = drawnTicks(axes.getXAxis(), true);
    List<Double> yTicks = drawnTicks((Axis<?, ?>) yAxis.invoke(axes), false);
    assertRound(xTicks, chart.getStyler().getXAxisMin(), chart.getStyler().getXAxisMax());
    assertRound(yTicks, chart.getStyler().getYAxisMin(), chart.getStyler().getYAxisMax());
    for (Charts.Band band : bands) {
      for (int i = 0; i < band.x().length; i++) {
        assertTrue(band.x()[i] >= chart.getStyler().getXAxisMin() && band.x()[i] <= chart.getStyler().getXAxisMax());
        assertTrue(band.mean()[i] - band.spread()[i] >= chart.getStyler().getYAxisMin());
        assertTrue(band.mean()[i] + band.spread()[i] <= chart.getStyler().getYAxisMax());
      }
    }
  }

  private static AxisPair<?, ?> axes(XYChart chart) throws ReflectiveOperationException {
    Field field = Chart.class.getDeclaredField("axisPair");
    field.setAccessible(true);
    return (AxisPair<?, ?>) field.get(chart);
  }

  /** The tick values XChart drew: those it placed inside the axis. */
  private static List<Double> drawnTicks(Axis<?, ?> axis, boolean horizontal) throws ParseException {
    AxisTickCalculator ticks = axis.getAxisTickCalculator();
    double length = horizontal ? axis.getBounds().getWidth() : axis.getBounds().getHeight();
    DecimalFormat format = new DecimalFormat(Charts.TICK_PATTERN, DecimalFormatSymbols.getInstance(Locale.ROOT));
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < ticks.getTickLabels().size(); i++) {
      double location = ticks.getTickLocations().get(i);
      if (ticks.getTickLabels().get(i) != null && location > 0 && location < length) {
        values.add(format.parse(ticks.getTickLabels().get(i)).doubleValue());
      }
    }
    return values;
  }

  private static void assertRound(List<Double> ticks, double min, double max) {
    assertTrue(ticks.size() >= 3, "ticks " + ticks);
    double step = ticks.get(1) - ticks.get(0);
    assertEquals(NiceAxis.roundStep(step), step, 1e-9 * step, "a round step: " + ticks);
    for (int i = 0; i < ticks.size(); i++) {
      double multiple = ticks.get(i) / step;
      assertEquals(Math.rint(multiple), multiple, 1e-6, "a multiple of the step: " + ticks);
      assertTrue(ticks.get(i) >= min - 1e-9 && ticks.get(i) <= max + 1e-9, "inside the axis: " + ticks);
      if (i > 0) {
        assertEquals(step, ticks.get(i) - ticks.get(i - 1), 1e-9 * step, "evenly spaced: " + ticks);
      }
    }
  }
}
