"""Media: fingerprints of images and videos, computed on this device, never copied."""

from takeback.media.hashing import MediaHash, hash_file, hash_paths, pdq_of_image_bytes
from takeback.media.video import VideoFrame, hash_video

__all__ = ["MediaHash", "VideoFrame", "hash_file", "hash_paths", "hash_video", "pdq_of_image_bytes"]
