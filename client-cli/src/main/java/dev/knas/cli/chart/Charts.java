package dev.knas.cli.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  /** Tick labels: thousands grouped, no trailing zeros. */
  static final String TICK_PATTERN = "#,##0.###";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The ten colours of matplotlib's tab10, so up to ten strategies get a colour each. */
  private static final List<Color> COLORS = List.of(new Color(31, 119, 180), new Color(214, 39, 40),
      new Color(44, 160, 44), new Color(148, 103, 189), new Color(255, 127, 14), new Color(140, 86, 75),
      new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207));

  /** One line of a chart: the mean over runs, with the spread (one standard deviation) as a band around it. */
  public record Band(String name, double[] x, double[] mean, double[] spread) {}

  /** An axis as drawn: its title and range (null when there was nothing to draw). */
  private record DrawnAxis(String title, Double min, Double max) {}

  private Charts() {}

  /**
   * Lines with shaded ± spread bands, one colour per band, saved as PNG at {@code file}, and what is drawn (the
   * axes' titles and ranges, each band's points) as JSON beside it ({@code .json} for {@code .png}). Both axes
   * hold every point of every band, spread included, and end on round values.
   */
  public static void bands(Path file, String title, String xAxis, String yAxis, List<Band> bands)
      throws IOException {
    XYChart chart = bandsChart(title, xAxis, yAxis, bands);
    save(chart, file);
    Map<String, Object> drawn = new LinkedHashMap<>();
    drawn.put("title", title);
    drawn.put("x_axis", new DrawnAxis(xAxis, chart.getStyler().getXAxisMin(), chart.getStyler().getXAxisMax()));
    drawn.put("y_axis", new DrawnAxis(yAxis, chart.getStyler().getYAxisMin(), chart.getStyler().getYAxisMax()));
    drawn.put("bands", bands);
    String name = file.getFileName().toString();
    JSON.writerWithDefaultPrettyPrinter().writeValue(
        file.resolveSibling(name.substring(0, name.length() - ".png".length()) + ".json").toFile(), drawn);
  }

  /** The chart {@link #bands} draws. */
  static XYChart bandsChart(String title, String xAxis, String yAxis, List<Band> bands) {
    XYChart chart = chart(title, xAxis, yAxis);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setXAxisDecimalPattern(TICK_PATTERN);
    chart.getStyler().setYAxisDecimalPattern(TICK_PATTERN);
    double[] x = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double[] y = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (Band band : bands) {
      for (int i = 0; i < band.x().length; i++) {
        x[0] = Math.min(x[0], band.x()[i]);
        x[1] = Math.max(x[1], band.x()[i]);
        y[0] = Math.min(y[0], band.mean()[i] - band.spread()[i]);
        y[1] = Math.max(y[1], band.mean()[i] + band.spread()[i]);
      }
    }
    if (Double.isFinite(x[0]) && Double.isFinite(y[0])) {
      NiceAxis xRange = NiceAxis.covering(x[0], x[1], 10);
      NiceAxis yRange = NiceAxis.covering(y[0], y[1], 8);
      chart.getStyler().setXAxisMin(xRange.min()).setXAxisMax(xRange.max());
      chart.getStyler().setYAxisMin(yRange.min()).setYAxisMax(yRange.max());
      // The axes end where the ranges do, with no margin of unlabelled values beyond them.
      chart.getStyler().setPlotContentSize(1);
      // XChart puts its ticks at the data's own values whenever those and the axis ends are equally spaced
      // (evaluations 1..n are), whatever values they are; one invisible point off any such spacing keeps it on
      // its round steps.
      double offGrid = (Math.sqrt(5) - 1) / 2;
      XYSeries frame = chart.addSeries(" ", new double[] {xRange.min(),
          xRange.min() + offGrid * (xRange.max() - xRange.min()), xRange.max()}, new double[] {yRange.min(),
          yRange.min() + offGrid * (yRange.max() - yRange.min()), yRange.max()});
      frame.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      frame.setMarker(SeriesMarkers.NONE);
      frame.setShowInLegend(false);
    }
    for (int b = 0; b < bands.size(); b++) {
      Band band = bands.get(b);
      Color color = COLORS.get(b % COLORS.size());
      int n = band.x().length;
      if (n == 0) {
        continue; // none of its runs has a score
      }
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
    return chart;
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
    chart.getStyler().setLocale(Locale.ROOT);
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
