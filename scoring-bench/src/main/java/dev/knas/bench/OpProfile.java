package dev.knas.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One computation's time by engine op, from a libtorch profiler: each op's self time (its duration less its
 * children's) and calls, per computation, keyed by op name and input shapes; plus the computation's wall time,
 * so that {@code wall - sum of self times} is what ran outside the engine's ops.
 */
record OpProfile(double wallMicros, List<Op> ops) {

  /** One op name on one set of input shapes: calls and self microseconds per computation. */
  record Op(String name, String shapes, double calls, double selfMicros) {}

  /** Microseconds spent inside the engine's ops. */
  double opMicros() {
    return ops.stream().mapToDouble(Op::selfMicros).sum();
  }

  /**
   * From the Chrome trace libtorch's legacy profiler writes (what DJL's {@code JniUtils.stopProfile} saves):
   * complete events ("ph": "X") with name, ts, dur, tid and, when shapes were recorded, "shape".
   */
  static OpProfile fromChromeTrace(Path trace, double wallMicros, int computations) throws IOException {
    JsonNode events = new ObjectMapper().readTree(trace.toFile());
    Map<Long, List<JsonNode>> byThread = new LinkedHashMap<>();
    for (JsonNode e : events) {
      if ("X".equals(e.path("ph").asText())) {
        byThread.computeIfAbsent(e.path("tid").asLong(), t -> new ArrayList<>()).add(e);
      }
    }
    Map<String, double[]> totals = new LinkedHashMap<>();
    for (List<JsonNode> thread : byThread.values()) {
      thread.sort(Comparator.<JsonNode>comparingDouble(e -> e.get("ts").asDouble())
          .thenComparing(Comparator.<JsonNode>comparingDouble(e -> e.get("dur").asDouble()).reversed()));
      // An op's children start and end inside it on the same thread; its self time is its duration less theirs.
      Deque<double[]> open = new ArrayDeque<>();
      List<double[]> selfTimes = new ArrayList<>();
      for (JsonNode e : thread) {
        double start = e.get("ts").asDouble();
        double duration = e.get("dur").asDouble();
        while (!open.isEmpty() && open.peek()[0] <= start) {
          open.pop();
        }
        double[] self = {start + duration, duration};
        if (!open.isEmpty()) {
          open.peek()[1] -= duration;
        }
        open.push(self);
        selfTimes.add(self);
      }
      for (int i = 0; i < thread.size(); i++) {
        JsonNode e = thread.get(i);
        double[] total = totals.computeIfAbsent(e.get("name").asText() + '\n' + shapes(e.path("shape")),
            k -> new double[2]);
        total[0] += 1;
        total[1] += selfTimes.get(i)[1];
      }
    }
    List<Op> ops = new ArrayList<>();
    totals.forEach((key, t) -> {
      String[] parts = key.split("\n", 2);
      ops.add(new Op(parts[0], parts[1], t[0] / computations, t[1] / computations));
    });
    return new OpProfile(wallMicros, ops);
  }

  /** From one line of {@code op_profile.py}, the PyTorch side's profile. */
  static OpProfile fromPythonLine(JsonNode line) {
    List<Op> ops = new ArrayList<>();
    for (JsonNode op : line.get("ops")) {
      ops.add(new Op(op.get(0).asText(), shapes(op.get(1)), op.get(2).asDouble(), op.get(3).asDouble()));
    }
    return new OpProfile(line.get("wall_us").asDouble(), ops);
  }

  /** Input shapes as {@code 50x16x32x32 16x16x3x3}, scalars and absent inputs left out. */
  static String shapes(JsonNode shapes) {
    List<String> parts = new ArrayList<>();
    for (JsonNode shape : shapes) {
      if (shape.isArray() && !shape.isEmpty()) {
        List<String> dims = new ArrayList<>();
        shape.forEach(d -> dims.add(d.asText()));
        parts.add(String.join("x", dims));
      }
    }
    return String.join(" ", parts);
  }
}
