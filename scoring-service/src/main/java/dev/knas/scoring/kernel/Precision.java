package dev.knas.scoring.kernel;

import ai.djl.ndarray.types.DataType;

/** Floating-point precision of a computation. */
public enum Precision {
  FLOAT32(DataType.FLOAT32),
  FLOAT64(DataType.FLOAT64);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  public DataType dataType() {
    return dataType;
  }
}
