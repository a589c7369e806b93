package dev.knas.scoring.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Random crop with padding and horizontal flip, checked pixel by pixel on a generated image. */
class AugmentationTest {

  private static final int PAD = 4;
  private final Dataset dataset = SyntheticImages.create();
  private final ImageSplit split = dataset.train();
  private final int[] one = {7};
  private final double[] plain = dataset.normalisedImages(split, one);
  private final ImageShape shape = dataset.shape();

  @Test
  void theCentredUnflippedCropIsTheImage() {
    assertArrayEquals(plain, dataset.augmentedImages(split, one, new CropPlacement[] {new CropPlacement(PAD, PAD,
        false)}, PAD));
  }

  @Test
  void flippingMirrorsEveryRow() {
    double[] flipped = dataset.augmentedImages(split, one, new CropPlacement[] {new CropPlacement(PAD, PAD, true)},
        PAD);
    for (int c = 0; c < shape.channels(); c++) {
      for (int y = 0; y < shape.height(); y++) {
        for (int x = 0; x < shape.width(); x++) {
          assertEquals(plain[at(c, y, shape.width() - 1 - x)], flipped[at(c, y, x)]);
        }
      }
    }
  }

  @Test
  void aCornerCropShiftsTheImageAndFillsThePaddingWithBlack() {
    double[] corner = dataset.augmentedImages(split, one, new CropPlacement[] {new CropPlacement(0, 2 * PAD,
        false)}, PAD);
    double[] black = dataset.normalisedImages(new ImageSplit(shape, new byte[shape.pixels()], new byte[1]),
        new int[] {0});
    for (int c = 0; c < shape.channels(); c++) {
      for (int y = 0; y < shape.height(); y++) {
        for (int x = 0; x < shape.width(); x++) {
          int sy = y - PAD;
          int sx = x + PAD;
          double expected = sy >= 0 && sx < shape.width() ? plain[at(c, sy, sx)] : black[at(c, y, x)];
          assertEquals(expected, corner[at(c, y, x)], "channel " + c + " at " + y + "," + x);
        }
      }
    }
  }

  @Test
  void aPlacementOutsideThePaddedImageIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> dataset.augmentedImages(split, one,
        new CropPlacement[] {new CropPlacement(2 * PAD + 1, 0, false)}, PAD));
  }

  private int at(int c, int y, int x) {
    return c * shape.height() * shape.width() + y * shape.width() + x;
  }
}
