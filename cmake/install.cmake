# `make install` (cmake --install BUILD --prefix PREFIX): the thorax command, the libraries as static archives, their
# headers under include/thorax (included as "tensor/tensor.h", "train/trainer.h", ... as inside the project), and a
# CMake package so another project can `find_package(thorax)` and link thorax::train (or any lower layer).
# examples/classify is such a project; the test `install_example` installs into a temporary prefix and builds it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_thorax_layers tensor kernels autograd nn models data train)
set(_thorax_targets "")
foreach(layer ${_thorax_layers})
  # Exported as thorax::<layer>, the names the project itself uses.
  set_target_properties(thorax_${layer} PROPERTIES EXPORT_NAME ${layer})
  list(APPEND _thorax_targets thorax_${layer})
endforeach()
install(TARGETS ${_thorax_targets} EXPORT thoraxTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/thorax)
# The command's only run path is the one OpenMPI's link flags carry (-Wl,-rpath): CMake must not rewrite it.
set_target_properties(thorax PROPERTIES SKIP_BUILD_RPATH ON)
install(TARGETS thorax RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(layer ${_thorax_layers})
  # The CUDA sources and the emulator are not part of the CPU library.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/thorax/${layer}
          FILES_MATCHING PATTERN "*.h" PATTERN "cuda" EXCLUDE)
endforeach()

set(_thorax_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/thorax)
install(EXPORT thoraxTargets NAMESPACE thorax:: DESTINATION ${_thorax_cmake_dir})
get_target_property(_train_links thorax_train LINK_LIBRARIES)
if("MPI::MPI_CXX" IN_LIST _train_links)
  set(THORAX_BUILT_WITH_MPI ON)
else()
  set(THORAX_BUILT_WITH_MPI OFF)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/thoraxConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/thoraxConfig.cmake INSTALL_DESTINATION ${_thorax_cmake_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/thoraxConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/thoraxConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/thoraxConfigVersion.cmake
        DESTINATION ${_thorax_cmake_dir})
