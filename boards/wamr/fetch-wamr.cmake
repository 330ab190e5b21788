# WAMR's sources through CMake's FetchContent, for a machine with internet and no WAMR
# sources at hand (scripts/build-wamr.ts runs it with WAMR_SOURCE=fetch, or when the
# pinned repository answers and no vendored archive is found). Script mode:
#
#   cmake -DWAMR_GIT_REPOSITORY=<url> -DWAMR_GIT_COMMIT=<40 hex digits>
#         -DWAMR_SOURCE_DIR=<where the tree goes> -DWAMR_FETCH_WORK_DIR=<scratch>
#         -P fetch-wamr.cmake
#
# The pin (repository and full commit hash) lives in scripts/build-wamr.ts (WAMR_PIN): a
# full hash, not a tag or branch, so what is fetched cannot change under the build.
cmake_minimum_required (VERSION 3.14)

foreach (var WAMR_GIT_REPOSITORY WAMR_GIT_COMMIT WAMR_SOURCE_DIR WAMR_FETCH_WORK_DIR)
  if (NOT DEFINED ${var})
    message (FATAL_ERROR "fetch-wamr.cmake: set ${var} (scripts/build-wamr.ts does)")
  endif ()
endforeach ()
if (NOT WAMR_GIT_COMMIT MATCHES "^[0-9a-f]+$")
  message (FATAL_ERROR "fetch-wamr.cmake: WAMR_GIT_COMMIT must be a commit hash, not ${WAMR_GIT_COMMIT}")
endif ()
string (LENGTH "${WAMR_GIT_COMMIT}" pin_length)
if (NOT pin_length EQUAL 40)
  message (FATAL_ERROR "fetch-wamr.cmake: WAMR_GIT_COMMIT must be a full 40-digit commit hash")
endif ()

include (FetchContent)
# Only the sources: WAMR's own CMakeLists (its product-mini, samples) are not built; the
# boards' CMakeLists includes build-scripts/runtime_lib.cmake from this tree. No shallow
# clone: a shallow fetch cannot name a commit by its hash.
FetchContent_Populate (wamr
  QUIET
  GIT_REPOSITORY "${WAMR_GIT_REPOSITORY}"
  GIT_TAG "${WAMR_GIT_COMMIT}"
  GIT_PROGRESS FALSE
  SOURCE_DIR "${WAMR_SOURCE_DIR}"
  SUBBUILD_DIR "${WAMR_FETCH_WORK_DIR}/subbuild"
  BINARY_DIR "${WAMR_FETCH_WORK_DIR}/unused-binary-dir")

if (NOT EXISTS "${WAMR_SOURCE_DIR}/build-scripts/runtime_lib.cmake")
  message (FATAL_ERROR "fetch-wamr.cmake: ${WAMR_SOURCE_DIR} holds no WAMR source tree after the fetch")
endif ()
message (STATUS "WAMR ${WAMR_GIT_COMMIT} in ${WAMR_SOURCE_DIR}")
