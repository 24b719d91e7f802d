//! Tables and charts for parlab (work in progress).
