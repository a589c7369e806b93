package dev.knas.scoring.data;

/** Shape of one image: channels x height x width. */
public record ImageShape(int channels, int height, int width) {

  /** Bytes (= pixels) in one image. */
  public int pixels() {
    return channels * height * width;
  }
}
