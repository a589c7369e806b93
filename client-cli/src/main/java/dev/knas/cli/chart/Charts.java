package dev.knas.cli.chart;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of the CLI, drawn with XChart at one size and style. */
public final class Charts {

  /** Size of every chart, in pixels. */
  public static final int WIDTH = 1000;
  public static final int HEIGHT = 600;
  /** The ten colours of matplotlib's tab10, so up to ten strategies get a colour each. */
  private static final List<Color> COLORS = List.of(new Color(31, 119, 180), new Color(214, 39, 40),
      new Color(44, 160, 44), new Color(148, 103, 189), new Color(255, 127, 14), new Color(140, 86, 75),
      new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207));

  /** One line of a chart: the mean over runs, with the spread (one standard deviation) as a band around it. */
  public record Band(String name, double[] x, double[] mean, double[] spread) {}

  private Charts() {}

  /**
   * Lines with shaded ± spread bands, one colour per band, saved as PNG at {@code file}. The y axis spans the
   * bands after their first 5% of points, where a search's first few results would otherwise squash the rest.
   */
  public static void bands(Path file, String title, String xAxis, String yAxis, List<Band> bands)
      throws IOException {
    XYChart chart = chart(title, xAxis, yAxis);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setXAxisDecimalPattern("#,##0.#");
    chart.getStyler().setXAxisMaxLabelCount(12);
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (Band band : bands) {
      int skip = (int) Math.ceil(band.x().length * 0.05);
      for (int i = Math.min(skip, band.x().length - 1); i < band.x().length; i++) {
        low = Math.min(low, band.mean()[i] - band.spread()[i]);
        high = Math.max(high, band.mean()[i] + band.spread()[i]);
      }
    }
    if (Double.isFinite(low) && Double.isFinite(high)) {
      double margin = Math.max(0.25, (high - low) * 0.05);
      chart.getStyler().setYAxisMin(low - margin);
      chart.getStyler().setYAxisMax(high + margin);
    }
    for (int b = 0; b < bands.size(); b++) {
      Band band = bands.get(b);
      Color color = COLORS.get(b % COLORS.size());
      int n = band.x().length;
      double[] polygonX = new double[2 * n];
      double[] polygonY = new double[2 * n];
      for (int i = 0; i < n; i++) {
        polygonX[i] = band.x()[i];
        polygonY[i] = band.mean()[i] + band.spread()[i];
        polygonX[2 * n - 1 - i] = band.x()[i];
        polygonY[2 * n - 1 - i] = band.mean()[i] - band.spread()[i];
      }
      XYSeries area = chart.addSeries(band.name() + " spread", polygonX, polygonY);
      area.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
      area.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 50));
      area.setLineColor(new Color(0, 0, 0, 0));
      area.setMarker(SeriesMarkers.NONE);
      area.setShowInLegend(false);
      XYSeries line = chart.addSeries(band.name(), band.x(), band.mean());
      line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      line.setLineColor(color);
      line.setMarker(SeriesMarkers.NONE);
    }
    save(chart, file);
  }

  /** A scatter of points, with a logarithmic x axis when {@code logX}, saved as PNG at {@code file}. */
  public static void scatter(Path file, String title, String xAxis, String yAxis, double[] x, double[] y,
      boolean logX) throws IOException {
    XYChart chart = chart(title, xAxis, yAxis);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLogarithmic(logX);
    chart.getStyler().setMarkerSize(6);
    XYSeries points = chart.addSeries("architectures", x, y);
    points.setMarkerColor(new Color(31, 119, 180, 170));
    save(chart, file);
  }

  private static XYChart chart(String title, String xAxis, String yAxis) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xAxis)
        .yAxisTitle(yAxis).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(220, 220, 220));
    return chart;
  }

  private static void save(XYChart chart, Path file) throws IOException {
    String name = file.toString();
    if (!name.endsWith(".png")) {
      throw new IllegalArgumentException("a chart file ends in .png: " + file);
    }
    BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - 4), BitmapEncoder.BitmapFormat.PNG);
  }
}
