"""The blog's models: posts (with categories and tags) and the comments on them."""

from .comments import BlogComment
from .posts import BlogCategory, BlogIndexPage, BlogPostPage, BlogPostTag

__all__ = ["BlogCategory", "BlogComment", "BlogIndexPage", "BlogPostPage", "BlogPostTag"]
