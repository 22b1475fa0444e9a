"""Media: fingerprints of images and videos, computed on this device, never copied."""

from takeback.media.hashing import MediaHash, hash_file, hash_paths, pdq_of_image_bytes

__all__ = ["MediaHash", "hash_file", "hash_paths", "pdq_of_image_bytes"]
