package dev.knas.scoring.data;

/**
 * Where a random crop takes an image from: the top-left corner within the padded image (0..2 x padding on
 * each axis), and whether the image is mirrored left to right first.
 */
public record CropPlacement(int top, int left, boolean flip) {}
